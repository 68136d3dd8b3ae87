import type { FormEvent } from 'react'

import { api } from '../api'
import { ErrorNote, Field, formValues, NewPasswordField, useAction } from '../components/forms'
import { navigate, useFragmentParam } from '../router'
import { useSession, type Session } from '../session'
import { usePageTitle } from '../title'

/** An invitation link: the invitee picks a name and password and is signed in. */
export function InvitePage() {
  const { replace } = useSession()
  usePageTitle('Join your organization')
  const token = useFragmentParam('token')
  const submit = useAction(async (values: Record<string, string>) => {
    const session = await api<Session>('POST', '/invitations/accept', { ...values, token })
    replace(session)
    navigate('/credentials', { replace: true })
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void submit.run(formValues(event.currentTarget))
  }

  return (
    <main id="main" className="narrow">
      <h1>Join your organization on Quire</h1>
      {token === '' ? (
        <p className="error" role="alert">
          This page needs the invitation link you were sent. Open that link, or ask an owner of your
          organization for a new one.
        </p>
      ) : (
        <form onSubmit={onSubmit}>
          <Field label="Your name" name="name" required autoComplete="name" />
          <NewPasswordField label="Password" name="password" hint="At least 10 characters." />
          <ErrorNote error={submit.error} fields={{ name: 'Your name', password: 'Password' }} />
          <button type="submit" className="primary" disabled={submit.busy}>
            Create my account
          </button>
        </form>
      )}
    </main>
  )
}

/**
 * An invitation link opened while signed in. An invitation makes a new account, so the person
 * signs out first; the link stays in the address bar for the form that follows.
 */
export function InviteWhileSignedIn() {
  const { session, replace } = useSession()
  usePageTitle('Invitation')
  const signOut = useAction(async () => {
    replace(await api<Session>('POST', '/sign-out'))
  })

  return (
    <>
      <h1>You opened an invitation link</h1>
      <p>
        You are signed in as {session.user?.email}. An invitation creates a new account; to accept
        it, sign out first.
      </p>
      <ErrorNote error={signOut.error} />
      <div className="actions">
        <button
          type="button"
          className="primary"
          disabled={signOut.busy}
          onClick={() => void signOut.run()}
        >
          Sign out and accept the invitation
        </button>
        <button type="button" onClick={() => navigate('/credentials', { replace: true })}>
          Stay signed in
        </button>
      </div>
    </>
  )
}
