<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>ErrorsPanel</name>
    <message>
        <source>Kind</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors ({n})</source>
        <extracomment>a few image paths ``auto`` measures on (the open folder&apos;s); generated images without</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Errors</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Flagged images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed defects</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All inspected images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Replace export?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{message}

Replace its contents?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export images and report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{scope} ({count})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Original images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overlays</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ground truth | prediction</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Report (HTML, PDF, CSV)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Writes a new folder with report.html, report.pdf, images.csv and defects.csv (and report.csv / report.json); the image folder is never modified.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an export folder first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export not started: the folder already holds an export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting %n image(s)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %n image(s) to {folder}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported %n image(s) to {folder}; {problems} problem(s).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>InfoPanel</name>
    <message>
        <source>class</source>
        <extracomment>a mark on each state&apos;s dot, so the list reads without colour too</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>score</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>area px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>length px</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ignored: {why}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>… and %n more</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No image selected.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>operator: {verdict}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ground truth: none found for this folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ground truth: no entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ground truth: defect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ground truth: clean</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the rules cannot apply (see Errors)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read {read:.1f} · pre {pre:.1f} · infer {infer:.1f} · post {post:.1f} ms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Inspecting…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MetricPlots</name>
    <message>
        <source>n/a</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Precision–recall per class (dot: this threshold)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>recall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image level: recall / false-alarm rate vs threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confidence threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>share of images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>false-alarm rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drag to change the confidence threshold</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Metrics</name>
    <message>
        <source>Image-level false alarms</source>
        <extracomment>``translate(&quot;Context&quot;, &quot;text&quot;)``: pyside6-lupdate extracts calls by this name with literal arguments (a ``functools.partial`` with the context bound is *not* extracted) demo dataset per task, in order of preference for ``--demo`` alone: boxes on NEU-like steel say most at a glance, then masks, then labels Image-list filters from error analysis, per task: (label, key). (the labels are marked for translation; :func:`filters_for` translates them)</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Image-level misses</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>False-positive boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missed boxes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrong class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Poor localisation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>False-positive regions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Missed regions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Misclassified</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No results yet: add a model (Ctrl+M) and run it (Ctrl+R).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean IoU over all classes, background included (PaddleSeg)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean Dice over all classes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixel acc.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>correct pixels / predicted pixels (PaddleSeg &apos;Acc&apos;)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cohen&apos;s kappa of the pixel confusion matrix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all-point (area) interpolation, as PaddleDetection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>11-point</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VOC2007 11-point interpolation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mAP@[.5:.95], pycocotools&apos; matching</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Box recall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>matched ground-truth boxes at this threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-1 acc.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>share of images whose top class is right</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Top-{k} acc.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ground-truth class among the {k} best</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Macro precision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean over classes with predictions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Macro recall</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mean over classes with images</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>IoU per class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>AP@0.5 per class (at this threshold)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recall per class</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Boxes (IoU ≥ 0.5): ground truth ↓ vs predicted →</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pixels: ground truth ↓ vs predicted →</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images: ground truth ↓ vs predicted →</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No ground truth for this folder. Metrics need labels next to the images: PaddleSeg lists or images/ + labels/ folders, VOC XML, COCO json, PaddleClas lists or class folders (File ▸ Ground truth… to point at one).</source>
        <extracomment>(shown with ``translate(&quot;Metrics&quot;, ...)``)</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open an image folder that has ground truth to see metrics (Ctrl+O).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the folder…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metrics could not be computed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None of the %n inspected image(s) has ground truth.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Evaluating %n image(s)…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Rules</name>
    <message>
        <source>{name}: score {s} &gt;= T_high {t} (NG)</source>
        <extracomment>(pattern, template): the pattern&apos;s named groups fill the template&apos;s placeholders</extracomment>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: {n} defects &gt;= {t} (NG)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: total area {a} px &gt;= {t} (NG)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: total area {a} mm² &gt;= {t} (NG)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: score {s} in [{low}, {high}) (REVIEW)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>outside the regions of interest</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>area {v} px &lt; {t}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>area {v} mm² &lt; {t}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>length {v} px &lt; {t}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>length {v} mm &lt; {t}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>score {s} &lt; T_low {t}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunReading</name>
    <message>
        <source>Read-only: {error}. Results of this model are not saved here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results are not saved: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunStatus</name>
    <message>
        <source>Running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a folder to start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Read-only run: another process writes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Results not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n image(s) · {ng} NG · {review} to review · {ok} OK · {errors} errors · {todo} not inspected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{n} changed since inspected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{confirmed} confirmed · {rejected} rejected</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RunsDialog</name>
    <message>
        <source>Model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Images done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs kept in {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The runs cannot be listed: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{model} (in use)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This run is in use: remove its model or open another folder first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The run cannot be deleted: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted run {run}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{done} (%n error(s))</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ThresholdPanel</name>
    <message>
        <source>band {low:.2f}–{high:.2f} (the slider applies to classes without one)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>min area</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>min length</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>regions: {include} include, {exclude} exclude ({mode})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>centre inside</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any overlap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rules: {parts}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Review from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A review band: defects scoring from here up to the NG threshold make the
image REVIEW (sent to a person) instead of OK. Off: one threshold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Labels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Class (shown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Classes appear when a model or ground truth is loaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>NG at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mask opacity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>global</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%n class rule(s): {names}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>detection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>segmentation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>classification</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed since inspected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rejected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>REVIEW</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>idle</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>loading</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ready</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>image</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>model</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ground truth</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>run</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>review</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Workers</name>
    <message>
        <source>the model stopped: {error}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
