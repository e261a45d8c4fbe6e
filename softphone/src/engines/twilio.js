// Placeholder for Twilio mode (helper C2's engine replaces this file): reports that the SDK is unavailable.
export function createEngine({ emit }) {
  const fail = () => emit({ type: "error", code: "sdk_failed" });
  return {
    async start() {
      fail();
    },
    async connect() {
      fail();
    },
    setMuted() {},
    sendDigits: () => false,
    disconnect() {},
    stop() {},
  };
}
