import { Loading, useLoad } from '../components/load'
import { Link } from '../router'
import { when } from '../time'
import { statusName, typeName, type Doc } from './BookPage'
import type { Book } from './BooksPage'
import { usePageTitle } from '../title'

const MAX_THUMBNAILS = 24

export function DocumentPage({ bookUuid, docUuid }: { bookUuid: string; docUuid: string }) {
  const base = `/books/${encodeURIComponent(bookUuid)}/documents/${encodeURIComponent(docUuid)}`
  const data = useLoad<{ book: Book; document: Doc }>(base)
  usePageTitle(data.data?.document.name ?? 'Document')
  if (data.data === undefined) return <Loading error={data.error} />
  const { book, document } = data.data

  return (
    <>
      <p>
        <Link to={`/books/${book.uuid}`}>← {book.name}</Link>
      </p>
      <h1>{document.name}</h1>
      <dl className="pairs">
        <dt>Status</dt>
        <dd>
          {statusName(document.status)}
          {document.rejection !== null && ` (${document.rejection})`}
        </dd>
        <dt>Pages</dt>
        <dd>
          {document.page_count}
          {document.text_pages !== null && `, ${document.text_pages} with a text layer`}
        </dd>
        <dt>Type</dt>
        <dd>{typeName(document)}</dd>
        <dt>Size</dt>
        <dd>{(document.size / 1024).toFixed(0)} KiB</dd>
        <dt>Uploaded</dt>
        <dd>{when(document.created_at)}</dd>
      </dl>
      <p>
        <a className="button" href={`/dashboard/api${base}/file`} download>
          Download
        </a>
      </p>
      {document.page_count > 0 && document.status !== 'DELETING' && (
        <section aria-labelledby="pages-title">
          <h2 id="pages-title">Pages</h2>
          <ol className="thumbs">
            {Array.from({ length: Math.min(document.page_count, MAX_THUMBNAILS) }, (_, i) => (
              <li key={i}>
                <img
                  src={`/dashboard/api${base}/pages/${i + 1}.png`}
                  alt={`Page ${i + 1} of ${document.name}`}
                  width={240}
                  loading="lazy"
                />
              </li>
            ))}
          </ol>
          {document.page_count > MAX_THUMBNAILS && (
            <p>
              The first {MAX_THUMBNAILS} of {document.page_count} pages are shown; download the file
              for the rest.
            </p>
          )}
        </section>
      )}
      <p className="note">
        Extracted fields and transactions appear here once Quire&apos;s analysis produces them; this
        server has not extracted any for this document yet.
      </p>
    </>
  )
}
