import { useEffect, useRef, useState, type DragEvent, type FormEvent } from 'react'

import { api, Problem } from '../api'
import { ConfirmButton } from '../components/dialogs'
import { FORM_TYPE_NAMES, formTypeName } from '../components/form-types'
import { ErrorNote, Field, useAction } from '../components/forms'
import { Loading, useLoad } from '../components/load'
import { Link, navigate } from '../router'
import { canWrite, useSession } from '../session'
import { uploadFile } from '../upload'
import type { Book } from './BooksPage'
import { usePageTitle } from '../title'
import { TableFrame } from '../components/TableFrame'

export interface Doc {
  uuid: string
  name: string
  status: string
  page_count: number
  text_pages: number | null
  document_class: string | null
  form_type: string | null
  size: number
  rejection: string | null
  created_at: string
}

const UNFINISHED = ['QUEUED', 'PROCESSING']
const POLL_MS = 2000

interface Upload {
  id: number
  name: string
  /** The form type it was sent with; '' when none. */
  formType: string
  progress: number
  state: 'uploading' | 'done' | 'failed'
  error?: string
}

export function BookPage({ uuid }: { uuid: string }) {
  const { session } = useSession()
  const book = useLoad<{ book: Book; documents: Doc[] }>(`/books/${encodeURIComponent(uuid)}`)
  const act = useAction(async (run: () => Promise<void>) => {
    await run()
    book.reload()
  })

  // While any document is still being processed, look again every two seconds.
  const unfinished = book.data?.documents.some((d) => UNFINISHED.includes(d.status)) ?? false
  const { reload } = book
  usePageTitle(book.data?.book.name ?? 'Book')
  useEffect(() => {
    if (!unfinished) return
    const timer = setInterval(reload, POLL_MS)
    return () => clearInterval(timer)
  }, [unfinished, reload])

  if (book.data === undefined) return <Loading error={book.error} />
  const { data } = book
  const base = `/books/${encodeURIComponent(uuid)}`

  return (
    <>
      <p>
        <Link to="/books">← All books</Link>
      </p>
      <h1>{data.book.name}</h1>
      <ErrorNote error={act.error} />
      {canWrite(session) && (
        <div className="columns">
          <Rename book={data.book} onDone={book.reload} />
          <section className="card" aria-labelledby="danger-title">
            <h2 id="danger-title">Delete</h2>
            <ConfirmButton
              label="Delete this book"
              title="Delete this book?"
              confirmLabel="Delete book and documents"
              onConfirm={() =>
                void act.run(async () => {
                  await api('DELETE', base)
                  navigate('/books')
                })
              }
            >
              <p>The book and all its documents are deleted for good.</p>
            </ConfirmButton>
          </section>
        </div>
      )}
      {canWrite(session) && <Uploader url={`${base}/documents`} onUploaded={book.reload} />}
      <h2>Documents</h2>
      <p className="hint" aria-live="polite">
        {unfinished ? 'Some documents are being processed; this list updates by itself.' : ''}
      </p>
      {data.documents.length === 0 ? (
        <p>No documents yet.</p>
      ) : (
        <TableFrame label="Documents">
          <table>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Status</th>
                <th scope="col">Pages</th>
                <th scope="col">Type</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {data.documents.map((doc) => (
                <tr key={doc.uuid} data-doc={doc.name}>
                  <th scope="row">
                    <Link to={`${base}/documents/${doc.uuid}`}>{doc.name}</Link>
                  </th>
                  <td className="status">
                    {statusName(doc.status)}
                    {doc.rejection !== null && <span className="hint"> ({doc.rejection})</span>}
                  </td>
                  <td>{doc.page_count}</td>
                  <td>{typeName(doc)}</td>
                  <td>
                    <div className="row-actions">
                      <a
                        className="button"
                        href={`/dashboard/api${base}/documents/${doc.uuid}/file`}
                        download
                      >
                        Download {doc.name}
                      </a>
                      {canWrite(session) && (
                        <ConfirmButton
                          label={`Remove ${doc.name}`}
                          title={`Remove ${doc.name}?`}
                          confirmLabel="Remove"
                          onConfirm={() =>
                            void act.run(() => api('DELETE', `${base}/documents/${doc.uuid}`))
                          }
                        >
                          <p>The file and what was read from it are deleted.</p>
                        </ConfirmButton>
                      )}
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableFrame>
      )}
    </>
  )
}

export function statusName(status: string): string {
  const names: Record<string, string> = {
    QUEUED: 'Queued',
    PROCESSING: 'Processing',
    VERIFICATION_COMPLETE: 'Complete',
    REJECTED: 'Rejected',
    DELETING: 'Being removed',
  }
  return names[status] ?? status
}

/** What the document is; a finished one nobody named a type for is not classified. */
export function typeName(doc: Pick<Doc, 'status' | 'form_type' | 'document_class'>): string {
  const type = doc.form_type ?? doc.document_class
  if (type !== null) return formTypeName(type)
  return UNFINISHED.includes(doc.status) ? 'Not yet known' : 'Not classified'
}

function Rename({ book, onDone }: { book: Book; onDone: () => void }) {
  const rename = useAction(async (name: string) => {
    await api('PATCH', `/books/${book.uuid}`, { name })
    onDone()
  })
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    void rename.run(String(new FormData(event.currentTarget).get('name') ?? ''))
  }
  return (
    <section className="card" aria-labelledby="rename-title">
      <h2 id="rename-title">Rename</h2>
      <form onSubmit={onSubmit}>
        <Field label="New name" name="name" defaultValue={book.name} required maxLength={255} />
        <ErrorNote error={rename.error} fields={{ name: 'New name' }} />
        <button type="submit" disabled={rename.busy}>
          Rename
        </button>
      </form>
    </section>
  )
}

let nextUpload = 1

/**
 * Drop files here (or choose them); each gets its own progress bar and outcome, and the
 * document type chosen when it was dropped.
 */
function Uploader({ url, onUploaded }: { url: string; onUploaded: () => void }) {
  const [uploads, setUploads] = useState<Upload[]>([])
  const [over, setOver] = useState(false)
  const [formType, setFormType] = useState('')
  const input = useRef<HTMLInputElement>(null)

  const update = (id: number, change: Partial<Upload>) =>
    setUploads((all) => all.map((u) => (u.id === id ? { ...u, ...change } : u)))

  const start = (files: FileList | null) => {
    for (const file of Array.from(files ?? [])) {
      const id = nextUpload++
      const upload: Upload = { id, name: file.name, formType, progress: 0, state: 'uploading' }
      setUploads((all) => [...all, upload])
      const fields: Record<string, string> = formType === '' ? {} : { form_type: formType }
      uploadFile(url, file, (progress) => update(id, { progress }), fields).then(
        () => {
          update(id, { progress: 1, state: 'done' })
          onUploaded()
        },
        (error: unknown) =>
          update(id, {
            state: 'failed',
            error: error instanceof Problem ? error.message : 'The upload failed.',
          }),
      )
    }
  }

  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    event.preventDefault()
    setOver(false)
    start(event.dataTransfer.files)
  }

  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">Upload documents</h2>
      <div className="field">
        <label htmlFor="upload-form-type">Document type</label>
        <select
          id="upload-form-type"
          value={formType}
          aria-describedby="upload-form-type-hint"
          onChange={(event) => setFormType(event.target.value)}
        >
          <option value="">Not specified</option>
          {Object.entries(FORM_TYPE_NAMES).map(([value, name]) => (
            <option key={value} value={value}>
              {name}
            </option>
          ))}
        </select>
        <p className="hint" id="upload-form-type-hint">
          Applies to the files you add next. Documents uploaded without a type are not classified.
        </p>
      </div>
      <div
        className={over ? 'dropzone over' : 'dropzone'}
        onDragOver={(event) => {
          event.preventDefault()
          setOver(true)
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p>Drop PDF files here, or</p>
        <label className="button" htmlFor="upload-input">
          Choose PDF files
        </label>
        <input
          id="upload-input"
          ref={input}
          className="visually-hidden"
          type="file"
          accept="application/pdf,.pdf"
          multiple
          onChange={(event) => {
            start(event.target.files)
            if (input.current !== null) input.current.value = ''
          }}
        />
      </div>
      {uploads.length > 0 && (
        <ul className="uploads" aria-live="polite">
          {uploads.map((u) => (
            <li key={u.id}>
              <span>
                {u.name}
                {u.formType !== '' && ` (${formTypeName(u.formType)})`}
              </span>{' '}
              <progress max={1} value={u.progress} aria-label={`Upload of ${u.name}`} />{' '}
              {u.state === 'done' && <span>uploaded</span>}
              {u.state === 'failed' && <span className="error">{u.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
