import { ROLES, type Role } from '../db/schema.js'
import { ValidationError } from '../errors.js'

export { ROLES, type Role }

/** What each role may do in the dashboard; owners also manage members. */
export const ROLE_RIGHTS = {
  owner: ['read', 'write', 'manage'],
  member: ['read', 'write'],
  read_only: ['read'],
} as const satisfies Record<Role, readonly string[]>

export type Right = 'read' | 'write' | 'manage'

export function roleAllows(role: Role, right: Right): boolean {
  return (ROLE_RIGHTS[role] as readonly string[]).includes(right)
}

export function checkRole(role: unknown): Role {
  if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
    throw new ValidationError(`"role" must be one of: ${ROLES.join(', ')}`)
  }
  return role as Role
}

export function checkEmail(email: unknown): string {
  const value = typeof email === 'string' ? email.trim().toLowerCase() : ''
  // Deliberately loose: one @, something on each side, no spaces. Delivery is not Quire's job.
  if (value.length > 254 || !/^[^\s@]+@[^\s@]+$/.test(value)) {
    throw new ValidationError('"email" must be an email address')
  }
  return value
}

export function checkPersonName(name: unknown): string {
  const value = typeof name === 'string' ? name.trim() : ''
  if (value === '' || value.length > 100) {
    throw new ValidationError('"name" must be 1 to 100 characters')
  }
  return value
}
