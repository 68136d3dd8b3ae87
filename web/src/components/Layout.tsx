import { useEffect, useRef, type ReactNode } from 'react'

import { api } from '../api'
import { Link, navigate } from '../router'
import { useSession, type Session } from '../session'
import { useAction, ErrorNote } from './forms'

const PAGES = [
  { to: '/credentials', label: 'API credentials' },
  { to: '/postman', label: 'Explore with Postman' },
  { to: '/books', label: 'Books' },
  { to: '/webhooks', label: 'Webhooks' },
  { to: '/usage', label: 'Usage' },
  { to: '/members', label: 'Members' },
  { to: '/account', label: 'Account' },
]

/** The frame of every signed-in page: skip link, navigation, who is signed in, sign-out. */
export function Layout({
  path,
  focusOnMount,
  children,
}: {
  path: string
  /** Focus the content at once, as after signing in; on a page load the skip link comes first. */
  focusOnMount: boolean
  children: ReactNode
}) {
  const { session, replace } = useSession()
  // After moving to another page, focus goes to its content, as after a page load.
  const main = useRef<HTMLElement>(null)
  const first = useRef(true)
  // Read once: a later change of the prop (the session refreshed) must not move focus again.
  const focusAtMount = useRef(focusOnMount)
  useEffect(() => {
    const mounting = first.current
    first.current = false
    if (!mounting || focusAtMount.current) main.current?.focus()
  }, [path])

  const signOut = useAction(async () => {
    replace(await api<Session>('POST', '/sign-out'))
    navigate('/', { replace: true })
  })

  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Quire</span>
        <nav aria-label="Dashboard">
          <ul>
            {PAGES.map((page) => (
              <li key={page.to}>
                <Link to={page.to} aria-current={path.startsWith(page.to) ? 'page' : undefined}>
                  {page.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <div className="who">
          <span>
            {session.user?.name} · {session.organization?.name} ({roleName(session.role)})
          </span>
          <button type="button" onClick={() => void signOut.run()} disabled={signOut.busy}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1} ref={main}>
        <ErrorNote error={signOut.error} />
        {children}
      </main>
    </>
  )
}

export function roleName(role: string | null): string {
  if (role === 'read_only') return 'read-only'
  return role ?? ''
}
