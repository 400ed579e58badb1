/** Pages without behaviour of their own: only the header. */
import { initLayout } from '../layout.js';

await initLayout();
