/** Roles, from most to least powerful. */
export const roles = ['admin', 'operator', 'member'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: resolved from an API key or a JWT on every /v1 request. */
export interface Principal {
  tenantId: string;
  role: Role;
  /** The API key id, or the JWT subject. */
  subject: string;
  via: 'api-key' | 'jwt';
}

const rank: Record<Role, number> = { admin: 3, operator: 2, member: 1 };

export function hasRole(principal: Principal, needed: Role): boolean {
  return rank[principal.role] >= rank[needed];
}
