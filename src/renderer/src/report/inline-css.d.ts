/** Vite's `?inline` imports: a stylesheet's processed (in a build, minified) text, for the standalone report file. */
declare module '*.css?inline' {
  const text: string;
  export default text;
}
