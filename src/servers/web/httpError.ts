// The one error shape every endpoint answers with: a status and a sentence saying what to do. The
// sentence is for the public; `cause` (an internal error) goes to the server's log, never into a response.
export class HttpError extends Error {
  constructor(readonly statusCode: number, message: string, readonly internal?: Error) { super(message); }
}
