/** Entry of the streaming overlays (served at /overlay/<eventId>). */
import { createRoot } from 'react-dom/client';
import { OverlayApp } from './overlay-app';
import './overlay.css';

// A new token pasted into the address changes only the fragment: start over with it.
window.addEventListener('hashchange', () => window.location.reload());

const root = document.getElementById('overlay-root');
if (root) createRoot(root).render(<OverlayApp />);
