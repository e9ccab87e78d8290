/* The tierkit task pane: rule-set picker, buttons, last run's counts.  Outside Excel it says so. */
"use strict";

(function () {
  const $ = (id) => document.getElementById(id);
  const origin = window.location.origin;
  const STORE = "tierkit.lastRun";

  function status(text, isError) {
    $("status").textContent = text;
    $("status").className = isError ? "error" : "";
  }

  function showCounts(run) {
    const body = $("counts").querySelector("tbody");
    body.textContent = "";
    if (!run || !run.counts) return;
    for (const c of run.counts) {
      const tr = document.createElement("tr");
      const name = document.createElement("td");
      const swatch = document.createElement("span");
      swatch.className = "swatch";
      swatch.style.background = c.color || "transparent";
      name.appendChild(swatch);
      name.appendChild(document.createTextNode(c.label || c.id || "(none)"));
      const count = document.createElement("td");
      count.className = "num";
      count.textContent = Number(c.count).toLocaleString();
      const share = document.createElement("td");
      share.className = "num";
      share.textContent = (100 * c.share).toFixed(1) + "%";
      tr.append(name, count, share);
      body.appendChild(tr);
    }
    $("counts").hidden = false;
    $("last-run-empty").textContent = run.rule_set + " · " + run.sheet + " · " + run.rows + " rows";
    const notes = $("data-notes");
    notes.textContent = "";
    for (const line of run.notes || []) {  // rows left out (totals, notes under the table), orders sheet notes
      const li = document.createElement("li");
      li.textContent = line;
      notes.appendChild(li);
    }
    notes.hidden = !(run.notes && run.notes.length);
  }

  async function loadRulesets() {
    try {
      const response = await fetch(origin + "/api/rulesets", { headers: await window.tierkitAuth.headers() });
      if (response.status === 401) {
        askToken();
        return;
      }
      const sets = await response.json();
      const lang = $("lang").value;
      for (const rs of sets) {
        const opt = document.createElement("option");
        opt.value = rs.name;
        opt.textContent = rs.name + " — " + ((rs.title && rs.title[lang]) || rs.name);
        $("ruleset").appendChild(opt);
      }
      const saved = localStorage.getItem("tierkit.ruleset");
      if (saved !== null) $("ruleset").value = saved;
    } catch (err) {
      status("Cannot reach the tierkit server: is `tierkit serve` running?", true);
    }
  }

  /** The server wants its access token: show the box once; saving it reloads the rule sets. */
  function askToken() {
    $("token-box").hidden = false;
    status("This server needs its access token · 请输入服务器访问令牌", true);
  }

  $("token-save").addEventListener("click", async () => {
    const token = $("token").value.trim();
    if (!token) return;
    await window.tierkitAuth.set(token);
    $("token").value = "";
    $("token-box").hidden = true;
    for (const opt of Array.from($("ruleset").options).slice(1)) opt.remove();
    await loadRulesets();
    status("Ready · 就绪");
  });
  window.addEventListener("tierkit-token-needed", askToken);

  function args() {
    return [$("ruleset").value, $("lang").value];
  }

  async function run(name, label) {
    for (const b of document.querySelectorAll("button")) b.disabled = true;
    status(label + "…");
    try {
      const result = await window.tierkitClient.runScript(origin, name, args());
      if (name === "apply_rules" && result) {
        localStorage.setItem(STORE, JSON.stringify(result));
        showCounts(result);
        status("Done: " + result.rows + " rows · 完成");
      } else if (name === "make_briefs" && result) {
        const url = origin + "/briefs/" + encodeURIComponent(result.briefs);
        status("Briefs: " + result.briefs);
        if (Office.context.ui && Office.context.ui.openBrowserWindow) Office.context.ui.openBrowserWindow(url);
        else window.open(url, "_blank");
      } else if (name === "compare_tiers" && result) {
        status("Movement: " + result.customers + " customers, value at risk " + result.value_at_risk +
               " (sheets 'Tier movement', 'Customer moves') · 已写入层级变动");
      } else if (name === "check_rules" && result) {
        status("Check: " + result.gaps + " gap rows, " + result.overlaps + " overlap rows (sheet 'Tier check')");
      } else {
        status("Done · 完成");
      }
    } catch (err) {
      status(String(err.message || err), true);
    } finally {
      for (const b of document.querySelectorAll("button")) b.disabled = false;
    }
  }

  function insideExcel() {
    $("outside").hidden = true;
    for (const b of document.querySelectorAll("button")) b.disabled = false;
    $("apply").addEventListener("click", () => run("apply_rules", "Applying rules"));
    $("check").addEventListener("click", () => run("check_rules", "Checking rules"));
    $("explain").addEventListener("click", () => run("explain_selection", "Explaining"));
    $("briefs").addEventListener("click", () => run("make_briefs", "Writing PDF briefs"));
    $("compare").addEventListener("click", () => run("compare_tiers", "Comparing tiers"));
    $("selfcheck").addEventListener("click", () => run("check_my_answers", "Checking answers"));
    $("ruleset").addEventListener("change", () => localStorage.setItem("tierkit.ruleset", $("ruleset").value));
    // ribbon buttons (manifest ExecuteFunction) run the same scripts
    if (Office.actions && Office.actions.associate) {
      for (const name of ["apply_rules", "check_rules", "explain_selection", "make_briefs", "compare_tiers"]) {
        Office.actions.associate(name, (event) => run(name, name).finally(() => event.completed()));
      }
    }
    status("Ready · 就绪");
  }

  function outsideExcel() {
    $("outside").hidden = false;
    status("Not running inside Excel · 未在 Excel 中运行");
  }

  const saved = localStorage.getItem(STORE);
  if (saved) {
    try {
      showCounts(JSON.parse(saved));
    } catch (e) {
      localStorage.removeItem(STORE);
    }
  }
  loadRulesets();

  if (typeof Office === "undefined" || typeof Office.onReady !== "function") {
    outsideExcel(); // office.js did not load: not inside Office, or offline
  } else {
    Office.onReady((info) => {
      if (info && info.host === Office.HostType.Excel) insideExcel();
      else outsideExcel();
    });
  }
})();
