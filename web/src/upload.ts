import { csrfHeader, Problem, problemOf } from './api'

/**
 * Uploads one file with XMLHttpRequest, the one browser API that reports upload progress, and
 * `fields` beside it. Resolves with the created document; rejects with a Problem in words.
 */
export function uploadFile(
  url: string,
  file: File,
  onProgress: (fraction: number) => void,
  fields: Record<string, string> = {},
): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest()
    request.open('POST', `/dashboard/api${url}`)
    for (const [name, value] of Object.entries(csrfHeader())) request.setRequestHeader(name, value)
    request.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total)
    }
    request.onerror = () =>
      reject(
        new Problem(
          'The upload was interrupted. Check your connection and try again.',
          'network',
          0,
        ),
      )
    request.onload = () => {
      let body: unknown
      try {
        body = JSON.parse(request.responseText)
      } catch {
        body = undefined
      }
      if (request.status >= 200 && request.status < 300) resolve(body)
      else reject(problemOf(request.status, body))
    }
    const form = new FormData()
    for (const [name, value] of Object.entries(fields)) form.append(name, value)
    form.append('upload', file, file.name)
    request.send(form)
  })
}
