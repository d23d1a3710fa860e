/** Mounts the dashboard. */
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('Vantage: the dashboard page has no #root element');
createRoot(root).render(<App />);
