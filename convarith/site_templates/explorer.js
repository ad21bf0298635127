// The explorer: draws the layer of the page's address with convarith, run by Pyodide.
// Python and our wheel come from this site only; the page's state is its address
// (?layer=...&input=...&numbers=1), so a link draws the same figure.
const config = JSON.parse(document.querySelector("[data-explorer-config]").textContent);
const form = document.querySelector("[data-explorer-form]");
const builder = document.querySelector("[data-explorer-builder]");
const statusLine = document.querySelector("[data-explorer-status]");
const resultBox = document.querySelector("[data-explorer-result]");
const playerBox = document.querySelector("[data-explorer-player]");
const numbersBox = document.querySelector("[data-explorer-numbers]");
const stepsLine = document.querySelector("[data-explorer-steps]");
const commandLine = document.querySelector("[data-explorer-command]");
const root = document.documentElement;

function setState(state, message) {
  root.setAttribute("data-explorer-state", state);
  // A refused layer leaves no figure of another layer on the page.
  if (state === "error") {
    resultBox.hidden = true;
    playerBox.replaceChildren();
  }
  statusLine.textContent = message;
  statusLine.classList.toggle("error", state === "error");
}

// --- The builder: form fields to a layer written as in PyTorch, and back.

const KINDS = {
  Conv2d: "conv", ConvTranspose2d: "conv", MaxPool2d: "max pool", AvgPool2d: "pool",
};
const OPS = {
  conv2d: "Conv2d", conv_transpose2d: "ConvTranspose2d", max_pool2d: "MaxPool2d",
  avg_pool2d: "AvgPool2d",
};

function field(name) { return builder.querySelector(`[name="${name}"]`); }

// "3" or "3,5" as PyTorch writes a size: 3 or (3, 5).
function sizeText(text) {
  const parts = text.split(/[\s,x×]+/).filter(Boolean);
  if (parts.length === 2 && parts[0] !== parts[1]) return `(${parts[0]}, ${parts[1]})`;
  return parts[0] || "";
}

function pairText(pair) {
  if (typeof pair === "string") return pair;
  return pair[0] === pair[1] ? String(pair[0]) : `${pair[0]},${pair[1]}`;
}

function showFieldsOf(kind) {
  const classes = KINDS[kind].split(" ");
  builder.querySelectorAll("[data-for]").forEach((label) => {
    const wanted = label.dataset.for.split(" ");
    label.hidden = !wanted.some((name) => name === kind || classes.includes(name));
  });
}

function builtLayer() {
  const kind = field("kind").value;
  const conv = KINDS[kind] === "conv";
  const args = conv ? [field("in_channels").value.trim(), field("out_channels").value.trim()] : [];
  args.push(sizeText(field("kernel_size").value));
  const keyword = (name, text, fallback) => {
    const value = sizeText(text);
    if (value && value !== fallback) args.push(`${name}=${value}`);
  };
  keyword("stride", field("stride").value, conv ? "1" : "");
  const padding = field("padding").value.trim();
  if (/^(same|valid)$/.test(padding)) args.push(`padding='${padding}'`);
  else keyword("padding", padding, "0");
  if (kind !== "AvgPool2d") keyword("dilation", field("dilation").value, "1");
  if (conv) keyword("groups", field("groups").value, "1");
  if (kind === "ConvTranspose2d") keyword("output_padding", field("output_padding").value, "0");
  if (kind === "Conv2d" && field("padding_mode").value !== "zeros") {
    args.push(`padding_mode='${field("padding_mode").value}'`);
  }
  if (!conv && field("ceil_mode").checked) args.push("ceil_mode=True");
  if (kind === "AvgPool2d" && !field("count_include_pad").checked) {
    args.push("count_include_pad=False");
  }
  return `${kind}(${args.join(", ")})`;
}

function fillBuilder(fields) {
  const kind = OPS[fields.op];
  field("kind").value = kind;
  if (fields.in_channels !== null) field("in_channels").value = fields.in_channels;
  if (fields.out_channels !== null) field("out_channels").value = fields.out_channels;
  field("kernel_size").value = pairText(fields.kernel_size);
  const poolDefault = KINDS[kind] !== "conv" && pairText(fields.stride) === pairText(fields.kernel_size);
  field("stride").value = poolDefault ? "" : pairText(fields.stride);
  field("padding").value = pairText(fields.padding);
  field("dilation").value = pairText(fields.dilation);
  field("groups").value = fields.groups;
  field("padding_mode").value = fields.padding_mode;
  field("output_padding").value = pairText(fields.output_padding);
  field("ceil_mode").checked = fields.ceil_mode;
  field("count_include_pad").checked = fields.count_include_pad;
  showFieldsOf(kind);
}

builder.addEventListener("input", () => {
  showFieldsOf(field("kind").value);
  form.elements.layer.value = builtLayer();
});

// --- The page's address: what is drawn.

function wanted() {
  const query = new URLSearchParams(window.location.search);
  return {
    layer: query.get("layer") || config.defaultLayer,
    input: query.get("input") || config.defaultInput,
    numbers: query.get("numbers") === "1",
  };
}

function addressOf(request) {
  const query = new URLSearchParams({ layer: request.layer, input: request.input });
  if (request.numbers) query.set("numbers", "1");
  return `${window.location.pathname}?${query}`;
}

// --- Python.

let explore = null;

async function startPython() {
  const started = performance.now();
  const { loadPyodide } = await import(config.pyodide);
  const pyodide = await loadPyodide();
  const response = await fetch(config.wheel);
  if (!response.ok) throw new Error(`${config.wheel}: ${response.status}`);
  const purelib = pyodide.runPython("import sysconfig; sysconfig.get_paths()['purelib']");
  pyodide.unpackArchive(await response.arrayBuffer(), "wheel", { extractDir: purelib });
  explore = pyodide.pyimport("convarith.explorer").explore;
  root.setAttribute("data-python-ms", String(Math.round(performance.now() - started)));
}

// Inserted markup does not run its scripts: the player's own script is run
// anew, and sets up the player it finds not yet set up.
function runScripts(container) {
  container.querySelectorAll("script:not([type])").forEach((old) => {
    const fresh = document.createElement("script");
    fresh.textContent = old.textContent;
    old.replaceWith(fresh);
  });
}

function draw(request) {
  form.elements.layer.value = request.layer;
  form.elements.input.value = request.input;
  form.elements.numbers.checked = request.numbers;
  setState("drawing", "Drawing\u2026");
  const started = performance.now();
  let result;
  try {
    result = JSON.parse(explore(request.layer, request.input, request.numbers));
  } catch (error) {
    // A fault of ours, not of the layer: its last line, and the whole in the console.
    console.warn(error);
    const last = String(error.message).trim().split("\n").pop();
    setState("error", `convarith failed to draw ${request.layer}: ${last}`);
    return;
  }
  if (result.error) {
    setState("error", result.error);
    return;
  }
  playerBox.innerHTML = result.player;
  resultBox.hidden = false;
  runScripts(playerBox);
  numbersBox.textContent = result.text;
  stepsLine.textContent = result.steps === result.allSteps
    ? `${result.steps} steps, each one output cell.`
    : `This layer has ${result.allSteps.toLocaleString("en")} steps; the player shows ` +
      `${result.steps} of them` + (result.elided
        ? ", with the drawing elided: a few channels, long axes broken."
        : ", its story: the first cells, the last row and the last channel.");
  commandLine.textContent = `convarith describe --layer "${result.layer}" --input ` +
    result.input.slice(1).join(",");
  fillBuilder(result.fields);
  const ms = Math.round(performance.now() - started);
  root.setAttribute("data-draw-ms", String(ms));
  document.title = `${result.layer} \u00b7 Explorer \u00b7 Convolution arithmetic`;
  setState("ready", `${result.layer} on a ${result.input.slice(1).join("\u00d7")} input, ` +
    `drawn in ${(ms / 1000).toFixed(2)} s.`);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (explore === null) return;
  const request = {
    layer: form.elements.layer.value.trim(),
    input: form.elements.input.value.trim(),
    numbers: form.elements.numbers.checked,
  };
  window.history.pushState(null, "", addressOf(request));
  draw(request);
});
window.addEventListener("popstate", () => { if (explore !== null) draw(wanted()); });

showFieldsOf(field("kind").value);
setState("loading", "Loading Python in your browser (about 13 MB the first time)\u2026");
startPython().then(() => draw(wanted()), (error) => {
  setState("error", `Python could not be started in this browser: ${error.message}. ` +
    "The explorer needs a browser with WebAssembly, and the page served over http(s).");
});
