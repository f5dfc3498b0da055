/** An inline error under a form or a field (a field points at its `id` with aria-describedby), announced when it appears. */
export function FormError({ message, id }: { message: string | null | undefined; id?: string }) {
  if (!message) return null;
  return (
    <p id={id} className="form-error" role="alert">
      <span aria-hidden="true">✕ </span>
      {message}
    </p>
  );
}
