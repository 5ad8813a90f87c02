import type { Viewer } from './session.js';

/** Who made a request, as the audit log names him: `user:<name>` (dashboard session) or `key:<key id>` (API key). */
export function auditActor(viewer: Viewer): string {
  return viewer.kind === 'session' ? `user:${viewer.user}` : `key:${viewer.keyId}`;
}
