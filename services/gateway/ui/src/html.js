import { h } from 'preact';
import htm from 'htm';

/** Preact components written as tagged templates: no JSX step, no runtime compiler (CSP-safe). */
export const html = htm.bind(h);
