"""The local media peer: a real WebRTC callee for mock mode (development aid; never in the Lambda layer)."""
