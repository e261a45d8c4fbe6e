// Mock mode's media: the browser's own RTCPeerConnection takes the API's SDP offer (from initiate) and posts
// its answer to /api/calls/answer. It reports what happens to the connection; the page shows the words.
// The interface it implements is written down in engine.js.
// `realMedia` (config.json): a media peer holds the offer's other end (the local stack's), so what it sends is
// played and a failed connection is a lost call; without one (deployed mock), ICE cannot complete, and that
// ends nothing.
import { hasWebRtc } from "./engine.js";

export function createEngine({ api, emit, realMedia = false }) {
  let pc = null;
  let stream = null;
  let devices = {};
  let speaker = null; // plays what the other side sends
  let pending = ""; // keypad tones waiting for the connection

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
      if (connection !== pc || !realMedia) return;
      if (connection.connectionState === "failed") emit({ type: "ended", reason: "connection_lost" });
      const dtmf = connection.getSenders().find((sender) => sender.track)?.dtmf;
      if (connection.connectionState === "connected" && dtmf) flush(dtmf);
    });
    connection.addEventListener("track", (event) => {
      speaker ||= Object.assign(document.createElement("audio"), { autoplay: true, hidden: true });
      speaker.dataset.testid = "remote-audio";
      if (!speaker.isConnected) document.body.append(speaker);
      speaker.srcObject = event.streams[0] || new MediaStream([event.track]);
      if (devices.output && speaker.setSinkId) speaker.setSinkId(devices.output).catch(() => {});
      speaker.play().catch(() => {});
    });
  }

  function flush(dtmf) {
    if (!pending || !dtmf.canInsertDTMF) return;
    dtmf.insertDTMF(dtmf.toneBuffer + pending, 120, 70);
    pending = "";
  }

  /** Resolves once `pc` has gathered its ICE candidates, or after 2 s with what it has. */
  function gathered(pc) {
    if (pc.iceGatheringState === "complete") return Promise.resolve();
    return new Promise((done) => {
      const timer = setTimeout(done, 2000);
      pc.addEventListener("icegatheringstatechange", () => {
        if (pc.iceGatheringState !== "complete") return;
        clearTimeout(timer);
        done();
      });
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
      await gathered(pc); // the API takes one answer, no trickled candidates: Firefox's first has none
      await api.answer(call.call_id, pc.localDescription.sdp);
    },
    setMuted(muted) {
      if (stream) for (const track of stream.getAudioTracks()) track.enabled = !muted;
    },
    sendDigits(digits) {
      // RFC 4733 tones, where the media peer negotiated telephone-event; none without a peer behind the offer.
      const dtmf = realMedia && pc ? pc.getSenders().find((sender) => sender.track)?.dtmf : null;
      if (!dtmf || !/telephone-event/i.test(pc.remoteDescription?.sdp || "")) return false;
      if (pc.connectionState === "connected" && !dtmf.canInsertDTMF) return false; // up, yet no tones (Firefox)
      // A key pressed before the media is up (the sender cannot insert yet) goes out once it is.
      pending += digits;
      flush(dtmf);
      return true;
    },
    disconnect() {
      if (stream) for (const track of stream.getTracks()) track.stop();
      if (speaker) speaker.srcObject = null;
      if (pc) pc.close();
      pc = null;
      stream = null;
      pending = "";
    },
    stop() {
      this.disconnect();
    },
    setDevices(next) {
      devices = { ...devices, ...next };
      // The speaker chosen mid-call (the call screen's Speaker) takes effect at once.
      if (devices.output && speaker?.setSinkId) speaker.setSinkId(devices.output).catch(() => {});
    },
  };
}
