/** Ids the console mints for polls, quizzes and their options (1-64 chars, unique enough across consoles). */
export function newId(prefix: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(5));
  let rand = '';
  for (const b of bytes) rand += b.toString(36).padStart(2, '0');
  return `${prefix}-${Date.now().toString(36)}-${rand}`;
}
