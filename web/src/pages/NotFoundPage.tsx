import { Link } from '../router'
import { usePageTitle } from '../title'

/** An address inside the dashboard that names no page, e.g. from an old bookmark. */
export function NotFoundPage() {
  usePageTitle('Page not found')
  return (
    <>
      <h1>Page not found</h1>
      <p>There is no dashboard page at this address. It may have moved, or the link is mistyped.</p>
      <p>
        <Link to="/credentials">Go to API credentials</Link> or{' '}
        <Link to="/books">to your books</Link>.
      </p>
    </>
  )
}
