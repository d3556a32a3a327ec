/** The citizen's way into the call: device check, consents, waiting room, call (placeholders until the scenes land). */
export function DeviceCheckScene() {
  return null;
}

/** The two consents before entering (placeholder). */
export function ConsentScene() {
  return null;
}

/** The waiting room and, once admitted, the call (placeholder). */
export function WaitingRoomScene() {
  return null;
}
