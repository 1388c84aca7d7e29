// tmec: the few lines of JavaScript the pages use (no library). Every page works without it.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // A running job: poll its state and move the progress bar; reload when it ends.
  const job = document.getElementById("job");
  if (job && (job.dataset.state === "queued" || job.dataset.state === "running")) {
    const bar = document.getElementById("job-progress");
    const state = document.getElementById("job-state");
    const poll = async () => {
      const r = await fetch(`/api/v1/jobs/${job.dataset.job}`, { credentials: "same-origin" });
      if (!r.ok) { return; }
      const j = await r.json();
      if (j.progress.total) { bar.max = j.progress.total; bar.value = j.progress.done; }
      state.textContent = `${j.state} ${j.progress.done}${j.progress.total ? " / " + j.progress.total : ""}`;
      if (j.state === "done" || j.state === "failed") { window.location.reload(); } else { setTimeout(poll, 500); }
    };
    setTimeout(poll, 300);
  }
  // Drop a file on a form marked .drop to choose it.
  for (const zone of document.querySelectorAll("form.drop")) {
    const input = zone.querySelector("input[type=file]");
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault(); zone.classList.remove("over");
      if (e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
    });
  }
  // Bring the first bad cell or error into view, for keyboard and screen-reader users too.
  const bad = document.getElementById("bad-cell") || document.getElementById("error");
  if (bad) { bad.setAttribute("tabindex", "-1"); bad.focus(); }
});
