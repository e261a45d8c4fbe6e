// Mock mode's media: the browser's own RTCPeerConnection takes the API's SDP offer (from initiate) and posts
// its answer to /api/calls/answer. It reports what happens to the connection; the page shows the words.

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
    async start() {},
    async connect(call) {
      pc = new RTCPeerConnection();
      watch(pc);
      await pc.setRemoteDescription({ type: "offer", sdp: call.sdp_offer });
      stream = await microphone();
      if (stream) stream.getTracks().forEach((track) => pc.addTrack(track, stream));
      await pc.setLocalDescription(await pc.createAnswer());
      await api("POST", "/api/calls/answer", { call_id: call.call_id, sdp_answer: pc.localDescription.sdp });
    },
    setMuted(muted) {
      if (stream) stream.getAudioTracks().forEach((track) => (track.enabled = !muted));
    },
    sendDigits() {
      return false; // the mock's media has no tone channel
    },
    disconnect() {
      if (stream) stream.getTracks().forEach((track) => track.stop());
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
