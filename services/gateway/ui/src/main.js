/* global document */
import { render } from 'preact';
import 'uplot/dist/uPlot.min.css';
import './styles.css';
import { html } from './html';
import { App } from './app';

render(html`<${App} />`, document.getElementById('app'));
