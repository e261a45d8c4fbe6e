// The words of the page's look: the offline line under the header.
export const lookWords = {
  en: { offline: "You are offline. Signing in and calls need a connection." },
  ru: { offline: "Нет подключения к интернету. Для входа и звонков нужна связь." },
};
