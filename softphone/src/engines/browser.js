// Mock mode's media: the browser's own RTCPeerConnection takes the API's SDP offer (from initiate) and posts
// its answer to /api/calls/answer. It reports what happens to the connection; the page shows the words.
// The interface it implements is written down in engine.js.
import { hasWebRtc } from "./engine.js";

export function createEngine({ api, emit }) {
  let pc = null;
  let stream = null;
  let devices = {};

  async function microphone() {
    const audio = devices.input ? { deviceId: { exact: devices.input } } : true;
    try {
      return await navigator.mediaDevices.getUserMedia({ audio });
    } catch (error) {
      emit({ type: "warning", code: error.name === "NotAllowedError" ? "mic_denied" : "mic_missing" });
      return null; // the call still connects, receive-only
    }
  }

  function watch(connection) {
    connection.addEventListener("connectionstatechange", () => {
      if (connection !== pc) return;
      if (connection.connectionState === "failed") emit({ type: "ended", reason: "connection_failed" });
    });
  }

  return {
    supported: () => hasWebRtc(),
    async start() {},
    async connect(call) {
      pc = new RTCPeerConnection();
      watch(pc);
      await pc.setRemoteDescription({ type: "offer", sdp: call.sdp_offer });
      stream = await microphone();
      if (stream) for (const track of stream.getTracks()) pc.addTrack(track, stream);
      await pc.setLocalDescription(await pc.createAnswer());
      await api.answer(call.call_id, pc.localDescription.sdp);
    },
    setMuted(muted) {
      if (stream) for (const track of stream.getAudioTracks()) track.enabled = !muted;
    },
    sendDigits() {
      return false; // the mock's media has no tone channel
    },
    disconnect() {
      if (stream) for (const track of stream.getTracks()) track.stop();
      if (pc) pc.close();
      pc = null;
      stream = null;
    },
    stop() {
      this.disconnect();
    },
    setDevices(next) {
      devices = { ...devices, ...next };
    },
  };
}
