/**
 * The demo episode's audio: 48 minutes of silence as a WAV, made in memory on first
 * request, so the demo's timestamps have something to seek without shipping a recording.
 * Served with byte ranges, which browsers need to seek in media they have not fully loaded.
 */
const SECONDS = 48 * 60;
// The lowest rate Chromium plays; it keeps the 48 minutes at 8.6 MB.
const RATE = 3000;

let wav: Uint8Array<ArrayBuffer> | undefined;

/** A WAV file of silence: 8-bit mono PCM at `rate` samples a second. */
export function silentWav(seconds: number, rate: number): Uint8Array<ArrayBuffer> {
  const samples = seconds * rate;
  const bytes = new Uint8Array(44 + samples);
  const view = new DataView(bytes.buffer);
  const ascii = (at: number, text: string) => [...text].forEach((c, i) => view.setUint8(at + i, c.charCodeAt(0)));
  ascii(0, 'RIFF');
  view.setUint32(4, 36 + samples, true);
  ascii(8, 'WAVEfmt ');
  view.setUint32(16, 16, true); // PCM header size
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, rate, true);
  view.setUint32(28, rate, true); // bytes per second
  view.setUint16(32, 1, true); // block align
  view.setUint16(34, 8, true); // bits per sample
  ascii(36, 'data');
  view.setUint32(40, samples, true);
  bytes.fill(128, 44); // 8-bit PCM is unsigned: 128 is silence
  return bytes;
}

/** Answers a request for the demo audio, honouring a single `Range: bytes=a-b`. */
export function demoAudio(range: string | undefined): Response {
  wav ??= silentWav(SECONDS, RATE);
  const headers = { 'Content-Type': 'audio/wav', 'Accept-Ranges': 'bytes', 'Cache-Control': 'public, max-age=3600' };
  const match = /^bytes=(\d*)-(\d*)$/.exec(range ?? '');
  if (!match || (!match[1] && !match[2])) return new Response(wav, { headers });
  const size = wav.length;
  const start = match[1] ? Number(match[1]) : Math.max(0, size - Number(match[2]));
  const end = match[1] && match[2] ? Math.min(Number(match[2]), size - 1) : size - 1;
  if (start >= size || start > end) {
    return new Response(null, { status: 416, headers: { ...headers, 'Content-Range': `bytes */${size}` } });
  }
  return new Response(wav.subarray(start, end + 1), {
    status: 206,
    headers: { ...headers, 'Content-Range': `bytes ${start}-${end}/${size}` },
  });
}
