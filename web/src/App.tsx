import { useEffect, useState } from 'react'

import { api, setCsrfToken, whenSessionEnds } from './api'
import { ErrorNote } from './components/forms'
import { Layout } from './components/Layout'
import { AccountPage } from './pages/AccountPage'
import { BookPage } from './pages/BookPage'
import { BooksPage } from './pages/BooksPage'
import { CredentialsPage } from './pages/CredentialsPage'
import { DocumentPage } from './pages/DocumentPage'
import { InvitePage } from './pages/InvitePage'
import { MembersPage } from './pages/MembersPage'
import { PostmanPage } from './pages/PostmanPage'
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
  const path = usePath()

  useEffect(() => {
    api<Session>('GET', '/session').then(replace, setError)
    // A page whose session ended elsewhere turns into the sign-in form at the same address,
    // so signing in again brings the person back to where they were.
    whenSessionEnds(() => {
      setEnded(true)
      api<Session>('GET', '/session').then(replace, setError)
    })
  }, [])

  function replace(next: Session) {
    setCsrfToken(next.csrf_token)
    setSession(next)
    if (next.signed_in) setEnded(false)
  }

  if (session === undefined) {
    return (
      <main id="main" className="narrow">
        {error === undefined ? <p aria-live="polite">Loading…</p> : <ErrorNote error={error} />}
      </main>
    )
  }

  return (
    <SessionState.Provider value={{ session, replace, ended }}>
      {session.signed_in ? <SignedIn path={path} /> : <SignedOut path={path} />}
    </SessionState.Provider>
  )
}

function SignedOut({ path }: { path: string }) {
  if (path.startsWith('/setup')) return <SetupPage />
  if (path.startsWith('/invite')) return <InvitePage />
  return <SignInPage />
}

function SignedIn({ path }: { path: string }) {
  return <Layout path={path}>{page(path)}</Layout>
}

function page(path: string) {
  const [, section, id, sub, subId] = path.split('/')
  switch (section) {
    case 'postman':
      return <PostmanPage />
    case 'books':
      if (id !== undefined && sub === 'documents' && subId !== undefined)
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
    default:
      return <CredentialsPage />
  }
}
