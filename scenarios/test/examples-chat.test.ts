import { exampleSuite } from './examples.js';

// Split in two files to keep each under the per-file time budget on shared CI cores.
exampleSuite(['customer-support.yaml', 'failover-drill.yaml', 'budget-drill.yaml', 'repeated-questions.yaml']);
