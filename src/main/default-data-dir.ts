/**
 * Where the web host keeps its data when --data is not given: the platform's app-data
 * folder (as Electron's userData would be), in a folder of its own so a web console and
 * the desktop app never contend for one journal lock.
 */
import os from 'node:os';
import path from 'node:path';

export function defaultDataDir(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  const appData =
    platform === 'win32'
      ? (env.APPDATA ?? path.join(home, 'AppData', 'Roaming'))
      : platform === 'darwin'
        ? path.join(home, 'Library', 'Application Support')
        : (env.XDG_CONFIG_HOME ?? path.join(home, '.config'));
  return path.join(appData, 'stagecall-web-console');
}
