/** The agent's live queue of the day (placeholder until the scene lands). */
export function QueueScene() {
  return null;
}
