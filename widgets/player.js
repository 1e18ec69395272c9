// sorafilm-nb video player: the anywidget front end of sorafilm_nb.ui.VideoPlayer.
//
// The film is played BY REFERENCE: the model holds a path, never the mp4's bytes, so a saved
// notebook stays small. The model is saved into the .ipynb and notebooks are shared, so that
// path is relative to the notebook's folder, never a local absolute path. In JupyterLab (and
// Notebook 7) a relative URL would resolve against the page (/lab/tree/...), not the
// notebook's folder, so the file's URL is built from the notebook's own path, which the
// widget manager's document context knows (with or without a kernel, e.g. a shared notebook
// reopened from its saved widget state): {baseUrl}files/{notebook's folder}/{src_path}.
// Elsewhere (an exported HTML page next to the film) the relative path is used as is. The
// poster is a small data URI, so a reader without the file still sees the film's first frame.

function pageConfig() {
  const node = document.getElementById("jupyter-config-data");
  if (!node) return null;
  try {
    return JSON.parse(node.textContent || "{}");
  } catch (_err) {
    return null;
  }
}

function encodePath(path) {
  return path.split("/").map((part) => encodeURIComponent(part)).join("/");
}

// The notebook's path below the server's root ("notebooks/01_quickstart.ipynb"), from
// JupyterLab's widget manager; "" where the manager has no document context.
export function notebookPath(model) {
  const manager = model && model.widget_manager;
  const context = manager && manager.context;
  if (!context) return "";
  const path = typeof context.localPath === "string" ? context.localPath : context.path;
  return typeof path === "string" ? path : "";
}

// dir + "/" + rel with "." and ".." applied; null if it climbs above the server's root.
export function joinPath(dir, rel) {
  const parts = [];
  for (const part of (dir ? dir + "/" : "").concat(rel).split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (!parts.length) return null;
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

export function resolveSrc(model, where) {
  const explicit = model.get("src_url");
  if (explicit) return explicit;
  return resolveRel(model, model.get("src_path") || "", where);
}

// The captions track (film.vtt beside film.mp4): relative to the notebook like the film, or
// beside an explicit src_url.
export function resolveCaptions(model, where) {
  const rel = model.get("captions_path") || "";
  if (!rel) return "";
  const explicit = model.get("src_url");
  if (explicit) return explicit.replace(/[^/]*$/, encodePath(rel.split("/").pop()));
  return resolveRel(model, rel, where);
}

function resolveRel(model, rel, where) {
  if (!rel) return "";
  const cfg = pageConfig();
  const nbPath = where === undefined ? notebookPath(model) : where;
  if (cfg && nbPath) {
    const dir = nbPath.split("/").slice(0, -1).join("/");
    const path = joinPath(dir, rel);
    if (path) {
      const base = String(cfg.baseUrl || "/").replace(/\/?$/, "/");
      return base + "files/" + encodePath(path);
    }
  }
  return encodePath(rel);
}

function clock(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

function el(tag, cls, text) {
  const node = document.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined) node.textContent = text;
  return node;
}

function render({ model, el: root }) {
  root.classList.add("sorafilm-player");
  const stage = el("div", "sorafilm-player-stage");
  const video = el("video", "sorafilm-player-video");
  video.controls = true;
  video.preload = "metadata";
  video.playsInline = true;
  const note = el("div", "sorafilm-player-note");
  stage.append(video, note);

  const side = el("div", "sorafilm-player-side");
  const heading = el("div", "sorafilm-player-title");
  const list = el("ol", "sorafilm-shot-list");
  side.append(heading, list);
  root.replaceChildren(stage, side);

  let items = [];

  function seek(index) {
    const shots = model.get("shots") || [];
    const shot = shots[index];
    if (!shot) return;
    video.currentTime = Number(shot.start) + 0.01;
    const playing = video.play();
    if (playing && playing.catch) playing.catch(() => {}); // autoplay policy: seeking is enough
    highlight(index);
  }

  function highlight(index) {
    items.forEach((item, i) => item.classList.toggle("sorafilm-shot-current", i === index));
  }

  function drawShots() {
    const shots = model.get("shots") || [];
    heading.textContent = model.get("title") || "Film";
    items = shots.map((shot, i) => {
      const item = el("li", "sorafilm-shot");
      item.dataset.start = String(shot.start);
      const button = el("button", "sorafilm-shot-seek");
      button.type = "button";
      button.title = `Jump to ${shot.id} at ${clock(shot.start)}`;
      button.append(el("span", "sorafilm-shot-time", clock(shot.start)),
        el("span", "sorafilm-shot-name", shot.title || shot.id),
        el("span", "sorafilm-shot-cost", shot.cost || ""));
      button.addEventListener("click", () => seek(i));
      const details = el("details", "sorafilm-shot-prompt");
      details.append(el("summary", "", `${shot.id} · ${shot.seconds} s · ${shot.model || ""} ${shot.size || ""}`),
        el("pre", "", shot.prompt || ""));
      item.append(button, details);
      return item;
    });
    list.replaceChildren(...items);
  }

  function drawVideo() {
    const poster = model.get("poster");
    if (poster) video.poster = poster;
    const src = resolveSrc(model);
    note.textContent = "";
    root.classList.remove("sorafilm-player-missing");
    const captions = src ? resolveCaptions(model) : "";
    video.querySelectorAll("track").forEach((t) => t.remove());
    if (captions) {  // the film's captions: on unless already burned in as lower thirds
      const track = document.createElement("track");
      track.kind = "captions";
      track.label = "Captions";
      track.srclang = "en";
      track.default = model.get("captions_shown") !== false;
      track.src = captions;
      video.append(track);
    }
    if (src) {
      video.src = src;
    } else {
      video.removeAttribute("src");
      root.classList.add("sorafilm-player-missing");
      note.textContent = model.get("note") || "No film to play: showing its poster frame.";
    }
    video.dataset.src = src;
  }

  video.addEventListener("error", () => {
    root.classList.add("sorafilm-player-missing");
    note.textContent = `The film file is not here (${model.get("src_path") || "no path"}): ` +
      "showing its poster frame.";
  });
  video.addEventListener("timeupdate", () => {
    const t = video.currentTime;
    const shots = model.get("shots") || [];
    let current = -1;
    shots.forEach((shot, i) => {
      if (t >= Number(shot.start) - 0.001) current = i;
    });
    highlight(current);
  });

  const onSeek = () => {
    const index = model.get("seek_shot");
    if (index >= 0) seek(index);
  };
  model.on("change:shots change:title", drawShots);
  model.on("change:poster change:src_path change:src_url change:captions_path change:note", drawVideo);
  model.on("change:seek_shot", onSeek);
  drawShots();
  drawVideo();
  return () => {
    model.off("change:shots change:title", drawShots);
    model.off("change:poster change:src_path change:src_url change:captions_path change:note", drawVideo);
    model.off("change:seek_shot", onSeek);
    video.removeAttribute("src");
    video.load();
  };
}

export default { render };
