/** The presenter view lives at `/present` of the console's origin (web host, Electron's app://stagecall/present). */
export const PRESENTER_PATH = '/present';

export const isPresenterPath = (pathname: string): boolean => pathname.replace(/\/+$/, '') === PRESENTER_PATH;
