/** The console UI's entry: theme, the store's feed from ConsoleCore (outside React), then React. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { api, watchCore } from './api';
import { App } from './components/shell/app';
import { isPresenterPath } from '../../shared/presenter-path';
import { PresenterApp } from './presenter/presenter-app';
import { startTheme } from './lib/theme';
import { startFeed } from './store/feed';
import { useConsole } from './store/store';
import { savedTheme } from './store/ui-actions';
import './styles/theme.css';
import './styles/layout.css';
import './styles/components.css';
import './styles/screens.css';
import './styles/presenter.css';
import './styles/event-screens.css';

useConsole.setState({ theme: savedTheme() });
startTheme();
startFeed(api);
watchCore((up) => useConsole.setState((s) => ({ coreLostAt: up ? null : (s.coreLostAt ?? Date.now()) })));

const root = document.getElementById('root');
if (root)
  createRoot(root).render(
    <StrictMode>
      {isPresenterPath(window.location.pathname) ? <PresenterApp /> : <App />}
    </StrictMode>,
  );
