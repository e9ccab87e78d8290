/* A fake Office.js object model for the client tests in headless Chromium: just the part of the Excel API that
 * addin/static/client.js uses, on an in-memory workbook.  Every change to the workbook is recorded in
 * fakeExcel.ops at the moment it is requested (stricter than Office.js, which queues until context.sync()),
 * so "nothing changed" means no write was even asked for.  Errors surface at context.sync(), as in Office.js:
 * fakeExcel.selection = "shape" makes getSelectedRange() fail the next sync with InvalidSelection. */
"use strict";

(function (global) {
  const fake = { ops: [], dialogs: [], selection: "Customers!B6", book: null };

  function makeSheet(name, values) {
    return { name: name, cells: values.map((r) => r.slice()) };
  }

  fake.reset = function (sheets, selection) {
    fake.ops = [];
    fake.dialogs = [];
    fake.selection = selection;
    fake.book = { name: "customers.xlsx", sheets: Object.keys(sheets).map((n) => makeSheet(n, sheets[n])), active: 0 };
  };

  function cellsOf(sheet, r, c, nr, nc) {
    const out = [];
    for (let i = 0; i < nr; i++) {
      const row = [];
      for (let j = 0; j < nc; j++) {
        const line = sheet.cells[r + i] || [];
        row.push(line[c + j] === undefined ? "" : line[c + j]);
      }
      out.push(row);
    }
    return out;
  }

  class Context {
    constructor() {
      this.pending = null;
      this.workbook = new Workbook(this);
    }
    async sync() {
      const err = this.pending;
      this.pending = null;
      if (err) throw err;
    }
  }

  class Range {
    constructor(ctx, sheet, r, c, nr, nc) {
      this.ctx = ctx;
      this.sheet = sheet;
      this.r = r;
      this.c = c;
      this.nr = nr;
      this.nc = nc;
      const where = () => sheet.name + "!" + [r, c, nr, nc].join(",");
      this.format = {
        fill: {
          set color(v) {
            fake.ops.push(["fill", where(), v]);
          },
          clear() {
            fake.ops.push(["fillClear", where()]);
          },
        },
        autofitRows() {
          fake.ops.push(["autofitRows", where()]);
        },
        autofitColumns() {
          fake.ops.push(["autofitColumns", where()]);
        },
      };
    }
    load() {
      return this;
    }
    get values() {
      return cellsOf(this.sheet, this.r, this.c, this.nr, this.nc);
    }
    set values(rows) {
      fake.ops.push(["values", this.sheet.name, this.r, this.c, rows.length]);
      rows.forEach((row, i) => {
        const line = (this.sheet.cells[this.r + i] = this.sheet.cells[this.r + i] || []);
        row.forEach((v, j) => (line[this.c + j] = v));
      });
    }
    clear(kind) {
      fake.ops.push(["clear", this.sheet.name, kind || "All"]);
      if (!kind || kind === "Contents") this.sheet.cells = [];
    }
  }

  class Worksheet {
    constructor(ctx, sheet) {
      this.ctx = ctx;
      this.sheet = sheet;
    }
    get name() {
      return this.sheet.name;
    }
    load() {
      return this;
    }
    set position(p) {
      const list = fake.book.sheets;
      list.splice(list.indexOf(this.sheet), 1);
      list.splice(p, 0, this.sheet);
      fake.ops.push(["position", this.sheet.name, p]);
    }
    getUsedRangeOrNullObject() {
      const rows = this.sheet.cells.length;
      const cols = Math.max(0, ...this.sheet.cells.map((r) => r.length));
      if (!rows || !cols) return { isNullObject: true, load() {} };
      return { isNullObject: false, rowIndex: 0, columnIndex: 0, rowCount: rows, columnCount: cols, load() {} };
    }
    getRangeByIndexes(r, c, nr, nc) {
      return new Range(this.ctx, this.sheet, r, c, nr, nc);
    }
    getRange() {
      return new Range(this.ctx, this.sheet, 0, 0, 1048576, 16384);
    }
    activate() {
      fake.ops.push(["activate", this.sheet.name]);
      fake.book.active = fake.book.sheets.indexOf(this.sheet);
    }
  }

  class Worksheets {
    constructor(ctx) {
      this.ctx = ctx;
    }
    load() {
      return this;
    }
    get items() {
      return fake.book.sheets.map((s) => new Worksheet(this.ctx, s));
    }
    getActiveWorksheet() {
      return new Worksheet(this.ctx, fake.book.sheets[fake.book.active]);
    }
    getItem(name) {
      const sheet = fake.book.sheets.find((s) => s.name === name);
      if (!sheet) throw new Error("ItemNotFound: " + name);
      return new Worksheet(this.ctx, sheet);
    }
    add(name) {
      const sheet = makeSheet(name, []);
      fake.book.sheets.push(sheet);
      fake.ops.push(["addSheet", name]);
      return new Worksheet(this.ctx, sheet);
    }
  }

  class Workbook {
    constructor(ctx) {
      this.ctx = ctx;
      this.worksheets = new Worksheets(ctx);
    }
    get name() {
      return fake.book.name;
    }
    load() {
      return this;
    }
    getSelectedRange() {
      const ctx = this.ctx;
      if (fake.selection === "shape") {
        ctx.pending = Object.assign(new Error("The current selection is invalid for this operation."), {
          code: "InvalidSelection",
        });
        return { load() {}, get address() { throw new Error("PropertyNotLoaded"); } };
      }
      return { address: fake.selection, load() {} };
    }
  }

  global.Excel = {
    async run(fn) {
      return fn(new Context());
    },
  };
  global.Office = {
    AsyncResultStatus: { Succeeded: "succeeded", Failed: "failed" },
    EventType: { DialogMessageReceived: "message", DialogEventReceived: "event" },
    HostType: { Excel: "Excel" },
    onReady(cb) {
      cb({ host: "Excel" });
    },
    context: {
      ui: {
        displayDialogAsync(url, options, cb) {
          fake.dialogs.push(url);
          cb({ status: "failed" }); // the client goes on as when the user closed the dialog
        },
      },
    },
  };
  global.fakeExcel = fake;
})(globalThis);
