// Classify messages with the bundled model from Node: node examples/node/classify.mjs "some text" ["more text" …]
// "rnn-wasm" resolves to this repository's package (its package.json exports), as it would once installed.
import { readFile } from "node:fs/promises";
import { init, loadModel } from "rnn-wasm";

const texts = process.argv.slice(2);
if (texts.length === 0) texts.push("Subject: Lunch?\n\nAre we still on for lunch on Thursday?", "Subject: WINNER!!!\n\nYou have won $1,000,000. Click here to claim your prize now!");

const info = await init();
const bytes = await readFile(new URL("../../models/spam-bigru.safetensors", import.meta.url));
const model = await loadModel(bytes);
const result = model.predict(texts);            // a batch: one row per text
texts.forEach((t, i) => {
  const spam = result.output.data[i * 2 + 1];  // output [B, 2]: P(ham), P(spam)
  console.log(`${result.labels[i].padEnd(4)}  P(spam)=${spam.toFixed(3)}  ${JSON.stringify(t.slice(0, 60))}`);
});
console.log(`(${info.build} build)`);
model.dispose();
