/** An inline error under a form, announced when it appears. */
export function FormError({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      <span aria-hidden="true">✕ </span>
      {message}
    </p>
  );
}
