/** The agent's side of a call (placeholder until the scene lands). */
export function StaffCallScene() {
  return null;
}
