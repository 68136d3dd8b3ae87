import { useEffect, type FormEvent } from 'react'

import { api } from '../api'
import { ErrorNote, Field, formValues, NewPasswordField, useAction } from '../components/forms'
import { Link, navigate, useFragmentParam } from '../router'
import { useSession, type Session } from '../session'
import { usePageTitle } from '../title'

const FIELDS = {
  org: 'Organization name',
  organization: 'Organization name',
  name: 'Your name',
  email: 'Email',
  password: 'Password',
}

/** First run: the setup link's token (in the URL fragment) creates the owner and organization. */
export function SetupPage() {
  const { session, replace } = useSession()
  usePageTitle('Set up')
  const token = useFragmentParam('token')
  const submit = useAction(async (values: Record<string, string>) => {
    const session = await api<Session>('POST', '/setup', { ...values, token })
    // The token is used up; it should not stay in the address bar or the history.
    history.replaceState(null, '', '/dashboard/credentials')
    replace(session)
    navigate('/credentials', { replace: true })
  })

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void submit.run(formValues(event.currentTarget))
  }

  if (!session.setup_required) return <SetUpAlready />

  return (
    <main id="main" className="narrow">
      <h1>Set up Quire</h1>
      {token === '' ? (
        <p className="error" role="alert">
          This page needs the setup link that the server printed when it started. Open that link, or
          run <code>npx quire setup-link</code> for a new one.
        </p>
      ) : (
        <>
          <p>Create the owner account and your organization. You can add members afterwards.</p>
          <form onSubmit={onSubmit}>
            <Field
              label="Organization name"
              name="organization"
              required
              autoComplete="organization"
            />
            <Field label="Your name" name="name" required autoComplete="name" />
            <Field label="Email" name="email" type="email" required autoComplete="email" />
            <NewPasswordField label="Password" name="password" hint="At least 10 characters." />
            <ErrorNote error={submit.error} fields={FIELDS} />
            <button type="submit" className="primary" disabled={submit.busy}>
              Create account
            </button>
          </form>
        </>
      )}
    </main>
  )
}

/** A setup link opened after the owner exists: it can do nothing, so the form is not offered. */
function SetUpAlready() {
  // A used token is worthless, but it still need not linger in the address bar and history.
  useEffect(() => {
    if (location.hash !== '') history.replaceState(null, '', location.pathname)
  }, [])

  return (
    <main id="main" className="narrow">
      <h1>Set up Quire</h1>
      <p className="note" role="status">
        This Quire is set up already: its owner account exists, so setup links no longer work.
      </p>
      <p>
        <Link to="/" className="button primary">
          Sign in
        </Link>
      </p>
    </main>
  )
}
