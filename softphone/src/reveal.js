// The show-password toggles: a button beside each password field (data-reveal names the field), a toggle
// button with aria-pressed whose label stays "Show password"; its pressed state says whether it is shown.

/** Shows the field's text (on) or hides it (off), and says so on the button. */
export function reveal(input, button, on) {
  input.type = on ? "text" : "password";
  button.setAttribute("aria-pressed", String(on));
}

/** Wires every [data-reveal] button under `root`; returns a function that hides every field again. */
export function setupReveal(root = document) {
  const pairs = [...root.querySelectorAll("button[data-reveal]")].map((button) => {
    const input = document.getElementById(button.dataset.reveal);
    button.setAttribute("aria-controls", button.dataset.reveal);
    reveal(input, button, false);
    button.addEventListener("click", () => {
      reveal(input, button, input.type === "password");
      input.focus();
    });
    return [input, button];
  });
  return () => {
    for (const [input, button] of pairs) reveal(input, button, false);
  };
}
