import { render } from 'preact';
import { App } from './app.js';
import { initI18n } from './i18n/i18n.js';
import './styles.css';

await initI18n();
render(<App />, document.getElementById('app')!);
