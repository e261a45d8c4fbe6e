// WebAudio analysis of what the page plays: listens to its remote audio for `ms` and returns the level (dBFS)
// of `hz` every 50 ms. One function expression, evaluated in the page by the Chromium tests (Playwright) and by
// the Firefox journey (puppeteer-core): both read this file.
async ([hz, ms]) => {
  const el = document.querySelector("[data-testid=remote-audio]");
  window.__ctx ||= new AudioContext();
  const ctx = window.__ctx;
  await ctx.resume();
  const source = ctx.createMediaStreamSource(el.srcObject);
  const analyser = Object.assign(ctx.createAnalyser(), { fftSize: 4096, smoothingTimeConstant: 0 });
  source.connect(analyser);
  const bins = new Float32Array(analyser.frequencyBinCount);
  const bin = Math.round(hz / (ctx.sampleRate / analyser.fftSize));
  const levels = [];
  for (const end = performance.now() + ms; performance.now() < end; ) {
    await new Promise((done) => setTimeout(done, 50));
    analyser.getFloatFrequencyData(bins);
    levels.push(Math.max(bins[bin - 1], bins[bin], bins[bin + 1]));
  }
  source.disconnect();
  return levels;
};
