/**
 * The role matrix of dashboard users and API keys (docs/dashboard-ui.md "Roles"): what each role
 * may do. The server enforces it (requireExporter, the masking of personal fields); the dashboard
 * only reflects it, from the session's `permissions`.
 *
 * - admin: everything, including the audit log of exports.
 * - marketer: sees and exports personal data (segment and audience exports), saves audiences.
 * - analyst: every figure, chart and class, but no identifier (names, e-mails, phones, street
 *   addresses, source record ids are masked) and no export of personal data.
 * - read: the role's name before the matrix (a contract: stored users and scripts use it), the
 *   same as analyst. A read user is granted personal data by `fidelis users role <name> marketer`.
 */
export const ROLES = ['admin', 'marketer', 'analyst', 'read'] as const;
export type Role = (typeof ROLES)[number];

export interface Permissions {
  /** Sees names, e-mails, phones, street addresses and record ids of persons. */
  readonly identifiers: boolean;
  /** Exports persons (segment and audience files), and saves or deletes audiences. */
  readonly export: boolean;
  /** Reads the audit log and everything an admin key may do. */
  readonly admin: boolean;
}

const ANALYST: Permissions = { identifiers: false, export: false, admin: false };

export const ROLE_MATRIX: Readonly<Record<Role, Permissions>> = {
  admin: { identifiers: true, export: true, admin: true },
  marketer: { identifiers: true, export: true, admin: false },
  analyst: ANALYST,
  read: ANALYST,
};

export function permissionsOf(role: Role): Permissions {
  return ROLE_MATRIX[role];
}

/**
 * API keys on the dashboard's /api routes. A read key is the profile API's key: GET
 * /v1/customers/{id} gives it a person's identifiers already, so /api does not mask them for it;
 * but exports in bulk need an admin key, as before the matrix. (A write key reads nothing.)
 */
export const KEY_PERMISSIONS: Readonly<Record<'admin' | 'read', Permissions>> = {
  admin: { identifiers: true, export: true, admin: true },
  read: { identifiers: true, export: false, admin: false },
};

export function keyPermissions(scope: 'admin' | 'read'): Permissions {
  return KEY_PERMISSIONS[scope];
}

/** One line per role, for `--help` and error messages. */
export const ROLE_HELP = 'admin (everything), marketer (sees and exports personal data), analyst (figures without identifiers, no export; "read" is the same role)';
