// The Voice SDK's sounds, made here and served by the platform: the SDK would otherwise fetch them from
// sdk.twilio.com. Small 8 kHz WAV tones: the standard DTMF pairs, a ring, a ringback and a hang-up beep.
import { mkdirSync, writeFileSync } from "node:fs";

const RATE = 8000;
const ROWS = { 1: 697, 2: 697, 3: 697, 4: 770, 5: 770, 6: 770, 7: 852, 8: 852, 9: 852, s: 941, 0: 941, h: 941 };
const COLUMNS = {
  1: 1209,
  2: 1336,
  3: 1477,
  4: 1209,
  5: 1336,
  6: 1477,
  7: 1209,
  8: 1336,
  9: 1477,
  s: 1209,
  0: 1336,
  h: 1477,
};

// Each part is [seconds, ...frequencies]; no frequency is silence.
function wav(parts) {
  const samples = parts.flatMap(([seconds, ...freqs]) =>
    Array.from(
      { length: Math.round(seconds * RATE) },
      (_, i) =>
        freqs.reduce((sum, f) => sum + Math.sin((2 * Math.PI * f * i) / RATE), 0) * (0.25 / Math.max(1, freqs.length)),
    ),
  );
  const data = Buffer.alloc(44 + samples.length * 2);
  data.write("RIFF", 0);
  data.writeUInt32LE(36 + samples.length * 2, 4);
  data.write("WAVEfmt ", 8);
  data.writeUInt32LE(16, 16);
  data.writeUInt16LE(1, 20); // PCM
  data.writeUInt16LE(1, 22); // mono
  data.writeUInt32LE(RATE, 24);
  data.writeUInt32LE(RATE * 2, 28);
  data.writeUInt16LE(2, 32);
  data.writeUInt16LE(16, 34);
  data.write("data", 36);
  data.writeUInt32LE(samples.length * 2, 40);
  for (const [i, s] of samples.entries()) data.writeInt16LE(Math.round(s * 32767), 44 + i * 2);
  return data;
}

export function writeSounds(folder) {
  mkdirSync(folder, { recursive: true });
  const sounds = {
    incoming: [[1, 440, 480], [1]],
    outgoing: [[0.4, 440, 480]],
    disconnect: [[0.12, 480], [0.05], [0.12, 400], [0.05], [0.12, 320]],
  };
  for (const key of Object.keys(ROWS)) sounds[`dtmf${key}`] = [[0.12, ROWS[key], COLUMNS[key]]];
  for (const [name, parts] of Object.entries(sounds)) writeFileSync(new URL(`${name}.wav`, folder), wav(parts));
}
