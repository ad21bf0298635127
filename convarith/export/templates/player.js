// The convarith player: steps, playback, keys, and what a pointed cell reads.
// Each player is set up once, from its own root element: nothing global.
(function () {
  "use strict";

  function range(start, stop) {
    var out = [];
    for (var n = start; n < stop; n++) out.push(n);
    return out;
  }

  // Drawn cells along one axis that output index `out` reads.
  function windowCells(axis, out) {
    var cells = [];
    for (var m = 0; m < axis.kernel; m++) {
      var drawn = axis.offset + out * axis.stride + m * axis.dilation;
      if (drawn < axis.extent) cells.push(drawn);
    }
    return cells;
  }

  // Output indices along one axis whose window reads drawn cell `drawn`.
  function readersOf(axis, drawn, outputs) {
    var found = [];
    for (var out = 0; out < outputs; out++) {
      var from = drawn - axis.offset - out * axis.stride;
      if (from >= 0 && from % axis.dilation === 0 && from / axis.dilation < axis.kernel) {
        found.push(out);
      }
    }
    return found;
  }

  function Layer(config) {
    this.config = config;
    this.axes = config.axes;
    this.unitOf = this.axes.map(function (axis) {
      var index = {};
      axis.units.forEach(function (cell, n) { index[cell] = n; });
      return index;
    });
  }

  // The channels of the other side in `channel`'s group: `own` and `other`
  // are each side's channel count (pooling keeps every channel apart).
  function groupmates(c, channel, own, other) {
    if (c.pooling) return [channel];
    var group = Math.floor(channel / (own / c.groups)), per = other / c.groups;
    return range(group * per, (group + 1) * per);
  }

  Layer.prototype.inputChannels = function (outChannel) {
    var c = this.config;
    return groupmates(c, outChannel, c.outChannels, c.inChannels);
  };

  Layer.prototype.outputChannels = function (inChannel) {
    var c = this.config;
    return groupmates(c, inChannel, c.inChannels, c.outChannels);
  };

  // The name of drawn input cell (row, col) of a channel: an input's true
  // indices, or the padded grid's for padding and inserted zeros.
  Layer.prototype.inputName = function (channel, row, col) {
    var r = this.unitOf[0][row], c = this.unitOf[1][col];
    if (r !== undefined && c !== undefined) return "in:" + channel + ":" + r + ":" + c;
    return "pad:" + channel + ":" + row + ":" + col;
  };

  Layer.prototype.reads = function (channel, row, col) {
    var self = this, names = [];
    var rows = windowCells(this.axes[0], row), cols = windowCells(this.axes[1], col);
    this.inputChannels(channel).forEach(function (c) {
      rows.forEach(function (r) {
        cols.forEach(function (x) { names.push(self.inputName(c, r, x)); });
      });
    });
    return names;
  };

  // Outputs that read drawn input cell (row, col) of channel `channel`.
  Layer.prototype.readBy = function (channel, row, col) {
    var size = this.config.outputSize, names = [];
    var rows = readersOf(this.axes[0], row, size[0]);
    var cols = readersOf(this.axes[1], col, size[1]);
    this.outputChannels(channel).forEach(function (c) {
      rows.forEach(function (r) {
        cols.forEach(function (x) { names.push("out:" + c + ":" + r + ":" + x); });
      });
    });
    return names;
  };

  function setUp(root) {
    root.setAttribute("data-ready", "");
    var config = JSON.parse(root.querySelector("script[data-convarith-config]").textContent);
    var layer = new Layer(config);
    var svg = root.querySelector("svg");
    var count = config.steps.length;
    var slider = root.querySelector('[data-control="step"]');
    var speed = root.querySelector('[data-control="speed"]');
    var play = root.querySelector('[data-control="play"]');
    var stepText = root.querySelector('[data-readout="step"]');
    var cellText = root.querySelector('[data-readout="cell"]');
    var hint = cellText.textContent;
    var variants = Array.prototype.map.call(svg.querySelectorAll("[data-at]"), function (el) {
      var steps = {};
      el.getAttribute("data-at").split(" ").forEach(function (n) { steps[n] = true; });
      return { element: el, steps: steps };
    });
    var overlays = Array.prototype.slice.call(svg.querySelectorAll("[data-cells]"));
    var cellIndex = [];
    var position = 0, timer = null, pointed = null;

    function visible(el, pos) {
      var holder = el.closest("[data-at]");
      return !holder || holder.getAttribute("data-at").split(" ").indexOf(String(pos)) >= 0;
    }

    function cellsShown() {
      for (var n = 0; n < overlays.length; n++) {
        if (visible(overlays[n], position)) {
          if (!cellIndex[n]) {
            var index = {};
            overlays[n].querySelectorAll("[data-cell]").forEach(function (el) {
              index[el.getAttribute("data-cell")] = el;
            });
            cellIndex[n] = index;
          }
          return cellIndex[n];
        }
      }
      return {};
    }

    function clearHighlight() {
      svg.querySelectorAll("[data-hl], [data-pointed]").forEach(function (el) {
        el.removeAttribute("data-hl");
        el.removeAttribute("data-pointed");
      });
      pointed = null;
      cellText.textContent = hint;
    }

    function describe(kind, parts, related, shown) {
      var values = config.values, text;
      var c = parts[0], r = parts[1], x = parts[2];
      if (kind === "out") {
        text = "output (" + c + ", " + r + ", " + x + ")";
        if (values) text += " = " + values.output[c][r][x];
        var inputs = related.filter(function (name) { return name.indexOf("in:") === 0; });
        text += " reads " + inputs.length + " input cell" + (inputs.length === 1 ? "" : "s");
        var padding = related.length - inputs.length;
        var zeros = config.transposed ? " inserted or padding zero" : " padding cell";
        if (padding) text += " and " + padding + zeros + (padding === 1 ? "" : "s");
      } else {
        var padded = config.transposed ? "zero (drawn grid " : "padding (padded grid ";
        text = (kind === "in" ? "input (" : padded) + c + ", " + r + ", " + x + ")";
        if (values && kind === "in") {
          var drawn = [layer.axes[0].units[r], layer.axes[1].units[x]];
          text += " = " + values.input[c][drawn[0]][drawn[1]];
        } else if (values && values.input[c][r][x] !== "") {
          text += " = " + values.input[c][r][x];
        }
        text += " is read by " + related.length + " output cell" +
          (related.length === 1 ? "" : "s");
      }
      if (shown < related.length) text += " (" + shown + " drawn)";
      return text;
    }

    function point(cell) {
      clearHighlight();
      var name = cell.getAttribute("data-cell");
      var parts = name.split(":"), kind = parts.shift();
      parts = parts.map(Number);
      var related;
      if (kind === "out") {
        related = layer.reads(parts[0], parts[1], parts[2]);
      } else if (kind === "in") {
        related = layer.readBy(parts[0], layer.axes[0].units[parts[1]],
          layer.axes[1].units[parts[2]]);
      } else {
        related = layer.readBy(parts[0], parts[1], parts[2]);
      }
      var index = cellsShown(), shown = 0;
      related.forEach(function (other) {
        if (index[other]) {
          index[other].setAttribute("data-hl", "");
          shown++;
        }
      });
      cell.setAttribute("data-pointed", "");
      pointed = cell;
      cellText.textContent = describe(kind, parts, related, shown);
    }

    function show(pos) {
      position = Math.max(0, Math.min(count - 1, pos));
      variants.forEach(function (v) {
        if (v.steps[position]) v.element.removeAttribute("display");
        else v.element.setAttribute("display", "none");
      });
      root.setAttribute("data-step", String(position));
      slider.value = String(position);
      stepText.textContent = config.steps[position].label + " (" + (position + 1) + " of " +
        count + ")";
      if (pointed) clearHighlight();
    }

    function delay() {
      var ms = config.stepMs / Number(speed.value);
      return position === count - 1 ? ms + config.holdMs : ms;
    }

    function tick() {
      show((position + 1) % count);
      timer = setTimeout(tick, delay());
    }

    function pause() {
      if (timer !== null) clearTimeout(timer);
      timer = null;
      play.textContent = "Play";
      root.removeAttribute("data-playing");
    }

    function toggle() {
      if (timer !== null) { pause(); return; }
      play.textContent = "Pause";
      root.setAttribute("data-playing", "");
      timer = setTimeout(tick, delay());
    }

    function stepTo(pos) { pause(); show(pos); }

    play.addEventListener("click", toggle);
    root.querySelector('[data-control="previous"]').addEventListener("click", function () {
      stepTo(position - 1);
    });
    root.querySelector('[data-control="next"]').addEventListener("click", function () {
      stepTo(position + 1);
    });
    slider.addEventListener("input", function () { stepTo(Number(slider.value)); });
    speed.addEventListener("change", function () {
      if (timer !== null) { clearTimeout(timer); timer = setTimeout(tick, delay()); }
    });
    root.addEventListener("keydown", function (event) {
      var tag = event.target.tagName;
      if (event.key === " " || event.key === "Spacebar") {
        if (tag === "BUTTON" || tag === "SELECT") return;   // they act on Space themselves
        event.preventDefault();
        toggle();
        return;
      }
      if (tag === "INPUT" || tag === "SELECT") return;      // the slider moves itself
      var moves = { ArrowLeft: position - 1, ArrowRight: position + 1, Home: 0, End: count - 1 };
      if (event.key in moves) {
        event.preventDefault();
        stepTo(moves[event.key]);
      }
    });
    svg.addEventListener("pointerover", function (event) {
      var cell = event.target.closest ? event.target.closest("[data-cell]") : null;
      if (!cell) {
        if (pointed) clearHighlight();
      } else if (cell !== pointed) {
        point(cell);
      }
    });
    svg.addEventListener("pointerleave", clearHighlight);
    show(0);
  }

  document.querySelectorAll("[data-convarith-player]:not([data-ready])").forEach(setUp);
})();
