/** Entry point: detect the organisation's path prefix, start i18n, render the router. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { detectBasePath, setApiBasePath } from './api/client.ts';
import { setStoragePrefix } from './hooks/use-stored-state.ts';
import { initI18n } from './i18n/i18n.ts';
import { routes } from './routes.tsx';
import './styles.css';

async function start(): Promise<void> {
  // Served either at the host's root or under /o/<slug>/ (one organisation per prefix).
  const basePath = detectBasePath(window.location.pathname);
  setApiBasePath(basePath);
  setStoragePrefix(basePath);
  await initI18n();
  const router = createBrowserRouter(routes, basePath ? { basename: basePath } : undefined);
  const container = document.getElementById('root');
  if (!container) throw new Error('#root is missing from index.html');
  createRoot(container).render(
    <StrictMode>
      <RouterProvider router={router} />
    </StrictMode>,
  );
}

void start();
