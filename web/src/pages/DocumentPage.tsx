export function DocumentPage({ bookUuid, docUuid }: { bookUuid: string; docUuid: string }) {
  return (
    <h1>
      Document {docUuid} of {bookUuid}
    </h1>
  )
}
