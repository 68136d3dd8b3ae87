import { useCallback, useEffect, useRef, useState } from 'react'

import { api, onSessionSignal, setSessionKeys } from './api'
import { ErrorNote } from './components/forms'
import { Layout } from './components/Layout'
import { AccountPage } from './pages/AccountPage'
import { BookPage } from './pages/BookPage'
import { BooksPage } from './pages/BooksPage'
import { CredentialsPage } from './pages/CredentialsPage'
import { DocumentPage } from './pages/DocumentPage'
import { InvitePage, InviteWhileSignedIn } from './pages/InvitePage'
import { MembersPage } from './pages/MembersPage'
import { PostmanPage } from './pages/PostmanPage'
import { NotFoundPage } from './pages/NotFoundPage'
import { SetupPage } from './pages/SetupPage'
import { SignInPage } from './pages/SignInPage'
import { UsagePage } from './pages/UsagePage'
import { WebhooksPage } from './pages/WebhooksPage'
import { usePath } from './router'
import { SessionState, type Session } from './session'

export function App() {
  const [session, setSession] = useState<Session | undefined>(undefined)
  const [error, setError] = useState<unknown>(undefined)
  const [ended, setEnded] = useState(false)
  const [arrived, setArrived] = useState(false)
  const path = usePath()
  const shown = useRef<Session | undefined>(undefined)

  const replace = useCallback((next: Session) => {
    setSessionKeys(next.csrf_token, next.user?.id ?? null)
    // Signing in swaps the whole page: focus then goes to the new page's content.
    setArrived(shown.current?.signed_in === false && next.signed_in)
    shown.current = next
    setSession(next)
    if (next.signed_in) setEnded(false)
  }, [])
  const reload = useCallback(
    () => api<Session>('GET', '/session').then(replace, setError),
    [replace],
  )

  useEffect(() => {
    void reload()
    // A page whose session ended elsewhere turns into the sign-in form at the same address,
    // so signing in again brings the person back to where they were.
    onSessionSignal((signal) => {
      if (signal === 'ended') setEnded(true)
      void reload()
    })
  }, [reload])

  // Each move to another page also learns of a role an owner changed meanwhile.
  const first = useRef(true)
  useEffect(() => {
    if (first.current) first.current = false
    else void reload()
  }, [path, reload])

  if (session === undefined) {
    return (
      <main id="main" className="narrow">
        {error === undefined ? <p aria-live="polite">Loading…</p> : <ErrorNote error={error} />}
      </main>
    )
  }

  return (
    <SessionState.Provider value={{ session, replace, ended }}>
      {session.signed_in ? (
        <Layout path={path} focusOnMount={arrived}>
          {page(path)}
        </Layout>
      ) : (
        <SignedOut path={path} />
      )}
    </SessionState.Provider>
  )
}

function SignedOut({ path }: { path: string }) {
  if (path.startsWith('/setup')) return <SetupPage />
  if (path.startsWith('/invite')) return <InvitePage />
  return <SignInPage />
}

function page(path: string) {
  const [, section, id, sub, subId, ...rest] = path.split('/')
  switch (section) {
    case '':
    case 'credentials':
      return id === undefined || id === '' ? <CredentialsPage /> : <NotFoundPage />
    case 'postman':
      return <PostmanPage />
    case 'books':
      if (rest.length > 0 || (sub !== undefined && sub !== 'documents')) return <NotFoundPage />
      if (id !== undefined && sub === 'documents' && subId !== undefined && subId !== '')
        return (
          <DocumentPage bookUuid={decodeURIComponent(id)} docUuid={decodeURIComponent(subId)} />
        )
      if (id !== undefined && id !== '') return <BookPage uuid={decodeURIComponent(id)} />
      return <BooksPage />
    case 'webhooks':
      return <WebhooksPage />
    case 'usage':
      return <UsagePage />
    case 'members':
      return <MembersPage />
    case 'account':
      return <AccountPage />
    case 'invite':
      return <InviteWhileSignedIn />
    case 'setup':
      // Setup just finished; its page moves on to the credentials.
      return <CredentialsPage />
    default:
      return <NotFoundPage />
  }
}
