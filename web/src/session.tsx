import { createContext, useContext } from 'react'

export type Role = 'owner' | 'member' | 'read_only'

export interface Session {
  signed_in: boolean
  setup_required: boolean
  csrf_token: string
  user: { id: string; email: string; name: string } | null
  organization: { id: string; name: string } | null
  role: Role | null
}

export interface SessionContext {
  session: Session
  /** Takes a session answer (after sign-in, sign-out, setup) as the current one. */
  replace(next: Session): void
  /** The server ended the session while a page was open (it expired, or was signed out). */
  ended: boolean
}

export const SessionState = createContext<SessionContext | null>(null)

export function useSession(): SessionContext {
  const context = useContext(SessionState)
  if (context === null) throw new Error('useSession outside the app')
  return context
}

/** Whether the signed-in role may change things (owners and members) or only read. */
export function canWrite(session: Session): boolean {
  return session.role === 'owner' || session.role === 'member'
}
