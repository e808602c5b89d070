<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Engine</name>
    <message>
        <source>paddle {v} on GPU</source>
        <translation>Paddle {v}，GPU</translation>
    </message>
    <message>
        <source>paddle {v} on CPU without oneDNN, {n} threads</source>
        <translation>Paddle {v}，CPU（不用 oneDNN），{n} 线程</translation>
    </message>
    <message>
        <source>paddle {v} on CPU with oneDNN ({ops} outside), {n} threads</source>
        <translation>Paddle {v}，CPU + oneDNN（{ops} 不走 oneDNN），{n} 线程</translation>
    </message>
    <message>
        <source>paddle {v} on CPU with oneDNN, {n} threads</source>
        <translation>Paddle {v}，CPU + oneDNN，{n} 线程</translation>
    </message>
    <message>
        <source>onnxruntime {v} on CPU, {n} threads (paddle2onnx)</source>
        <translation>ONNX Runtime {v}，CPU，{n} 线程（paddle2onnx）</translation>
    </message>
    <message>
        <source>openvino {v} on CPU, {n} threads (f32)</source>
        <translation>OpenVINO {v}，CPU，{n} 线程（f32）</translation>
    </message>
    <message>
        <source>engine auto: {e} — </source>
        <extracomment>phrases of ``auto``&apos;s engine line (inspectors.engine_choice.Choice.line), translated in place: the line is built from a variable number of parts; the backends&apos; own reasons for rejecting or skipping stay as they are (technical, quoted from the backend)</extracomment>
        <translation>自动选择引擎：{e} — </translation>
    </message>
    <message>
        <source> ms/img</source>
        <translation> ms/张</translation>
    </message>
    <message>
        <source> ({r}x paddle)</source>
        <translation>（Paddle 的 {r} 倍速）</translation>
    </message>
    <message>
        <source>; {e} rejected: </source>
        <translation>；未采用 {e}：</translation>
    </message>
    <message>
        <source>; {e} skipped: </source>
        <translation>；跳过 {e}：</translation>
    </message>
    <message>
        <source>; agrees with paddle: </source>
        <translation>；与 Paddle 一致：</translation>
    </message>
    <message>
        <source>; layout: </source>
        <translation>；线程布局：</translation>
    </message>
    <message>
        <source>{n} inference thread(s)</source>
        <translation>{n} 个推理线程</translation>
    </message>
    <message>
        <source> + prefetch thread</source>
        <translation> + 预读线程</translation>
    </message>
    <message>
        <source>, no prefetch thread</source>
        <translation>，无预读线程</translation>
    </message>
    <message>
        <source> img/s through the pipeline</source>
        <translation> 张/秒（整条流水线）</translation>
    </message>
    <message>
        <source> (measured on {n} generated images at {t}, remembered)</source>
        <translation>（{t} 在 {n} 张生成图像上测得，已记住）</translation>
    </message>
    <message>
        <source> (measured on {n} images at {t}, remembered)</source>
        <translation>（{t} 在 {n} 张图像上测得，已记住）</translation>
    </message>
    <message>
        <source> (measured on {n} generated images)</source>
        <translation>（在 {n} 张生成图像上测得）</translation>
    </message>
    <message>
        <source> (measured on {n} images)</source>
        <translation>（在 {n} 张图像上测得）</translation>
    </message>
</context>
<context>
    <name>ErrorsPanel</name>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清除</translation>
    </message>
    <message>
        <source>Errors ({n})</source>
        <extracomment>a few image paths ``auto`` measures on (the open folder&apos;s); generated images without</extracomment>
        <translation>错误（{n}）</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Flagged images</source>
        <translation>已标记图像</translation>
    </message>
    <message>
        <source>Confirmed defects</source>
        <translation>已确认缺陷</translation>
    </message>
    <message>
        <source>All inspected images</source>
        <translation>全部已检测图像</translation>
    </message>
    <message>
        <source>Replace export?</source>
        <translation>替换导出？</translation>
    </message>
    <message>
        <source>{message}

Replace its contents?</source>
        <translation>{message}

替换其内容？</translation>
    </message>
    <message>
        <source>Export images and report</source>
        <translation>导出图像和报告</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>{scope} ({count})</source>
        <translation>{scope}（{count}）</translation>
    </message>
    <message>
        <source>Original images</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>Overlays</source>
        <translation>叠加图</translation>
    </message>
    <message>
        <source>Ground truth | prediction</source>
        <translation>真值 | 预测</translation>
    </message>
    <message>
        <source>Report (HTML, PDF, CSV)</source>
        <translation>报告（HTML、PDF、CSV）</translation>
    </message>
    <message>
        <source>Writes a new folder with report.html, report.pdf, images.csv and defects.csv (and report.csv / report.json); the image folder is never modified.</source>
        <translation>写入一个新文件夹，含 report.html、report.pdf、images.csv 和 defects.csv（以及 report.csv / report.json）；不会修改图像文件夹。</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>Cancel export</source>
        <translation>取消导出</translation>
    </message>
    <message>
        <source>Export to</source>
        <translation>导出到</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Write</source>
        <translation>写入</translation>
    </message>
    <message>
        <source>Export folder</source>
        <translation>导出文件夹</translation>
    </message>
    <message>
        <source>Choose an export folder first.</source>
        <translation>请先选择导出文件夹。</translation>
    </message>
    <message>
        <source>Export not started: the folder already holds an export.</source>
        <translation>未开始导出：该文件夹已有导出内容。</translation>
    </message>
    <message>
        <source>Exporting {n} image(s)…</source>
        <translation>正在导出 {n} 张图像…</translation>
    </message>
    <message>
        <source>Exported {n} image(s) to {folder}.</source>
        <translation>已导出 {n} 张图像到 {folder}。</translation>
    </message>
    <message>
        <source>Exported {n} image(s) to {folder}; {problems} problem(s).</source>
        <translation>已导出 {n} 张图像到 {folder}；{problems} 个问题。</translation>
    </message>
</context>
<context>
    <name>GraphicsScene</name>
    <message>
        <source>Export...</source>
        <extracomment>pyqtgraph&apos;s own ``translate`` calls, kept in our catalog (lupdate reads only app/)</extracomment>
        <translation>导出…</translation>
    </message>
</context>
<context>
    <name>InfoPanel</name>
    <message>
        <source>class</source>
        <extracomment>a mark on each state&apos;s dot, so the list reads without colour too</extracomment>
        <translation>类别</translation>
    </message>
    <message>
        <source>score</source>
        <translation>置信度</translation>
    </message>
    <message>
        <source>area px</source>
        <translation>面积 px</translation>
    </message>
    <message>
        <source>length px</source>
        <translation>长度 px</translation>
    </message>
    <message>
        <source>counts</source>
        <translation>判定</translation>
    </message>
    <message>
        <source>ignored: {why}</source>
        <translation>忽略：{why}</translation>
    </message>
    <message>
        <source>No image selected.</source>
        <translation>未选择图像。</translation>
    </message>
    <message>
        <source>State: {state}</source>
        <translation>状态：{state}</translation>
    </message>
    <message>
        <source>operator: {verdict}</source>
        <translation>复判结果：{verdict}</translation>
    </message>
    <message>
        <source>Ground truth: none found for this folder</source>
        <translation>真值：此文件夹未找到标注</translation>
    </message>
    <message>
        <source>Ground truth: no entry</source>
        <translation>真值：无此图像的标注</translation>
    </message>
    <message>
        <source>Ground truth: defect</source>
        <translation>真值：有缺陷</translation>
    </message>
    <message>
        <source>Ground truth: clean</source>
        <translation>真值：无缺陷</translation>
    </message>
    <message>
        <source>the rules cannot apply (see Errors)</source>
        <translation>判定规则无法应用（见“错误”）</translation>
    </message>
    <message>
        <source>read {read:.1f} · pre {pre:.1f} · infer {infer:.1f} · post {post:.1f} ms</source>
        <translation>读取 {read:.1f} · 预处理 {pre:.1f} · 推理 {infer:.1f} · 后处理 {post:.1f} ms</translation>
    </message>
    <message>
        <source>Inspecting…</source>
        <translation>检测中…</translation>
    </message>
    <message>
        <source>… and {n} more</source>
        <translation>… 另有 {n} 个</translation>
    </message>
</context>
<context>
    <name>LanguageMenu</name>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>The language changes to {name} when Defect Inspector is restarted.</source>
        <translation>重新启动后界面语言将切换为{name}。</translation>
    </message>
</context>
<context>
    <name>MetricPlots</name>
    <message>
        <source>n/a</source>
        <translation>—</translation>
    </message>
    <message>
        <source>Precision–recall per class (dot: this threshold)</source>
        <translation>各类别精确率–召回率（圆点：当前阈值）</translation>
    </message>
    <message>
        <source>recall</source>
        <translation>召回率</translation>
    </message>
    <message>
        <source>precision</source>
        <translation>精确率</translation>
    </message>
    <message>
        <source>Image level: recall / false-alarm rate vs threshold</source>
        <translation>图像级：召回率 / 误报率随阈值变化</translation>
    </message>
    <message>
        <source>confidence threshold</source>
        <translation>置信度阈值</translation>
    </message>
    <message>
        <source>share of images</source>
        <translation>图像占比</translation>
    </message>
    <message>
        <source>false-alarm rate</source>
        <translation>误报率</translation>
    </message>
    <message>
        <source>Drag to change the confidence threshold</source>
        <translation>拖动以调整置信度阈值</translation>
    </message>
</context>
<context>
    <name>Metrics</name>
    <message>
        <source>Image-level false alarms</source>
        <extracomment>``translate(&quot;Context&quot;, &quot;text&quot;)``: pyside6-lupdate extracts calls by this name with literal arguments (a ``functools.partial`` with the context bound is *not* extracted)</extracomment>
        <translation>图像级误报</translation>
    </message>
    <message>
        <source>Image-level misses</source>
        <translation>图像级漏检</translation>
    </message>
    <message>
        <source>False-positive boxes</source>
        <translation>误报框</translation>
    </message>
    <message>
        <source>Missed boxes</source>
        <translation>漏检框</translation>
    </message>
    <message>
        <source>Wrong class</source>
        <translation>类别错误</translation>
    </message>
    <message>
        <source>Poor localisation</source>
        <translation>定位不准</translation>
    </message>
    <message>
        <source>False-positive regions</source>
        <translation>误报区域</translation>
    </message>
    <message>
        <source>Missed regions</source>
        <translation>漏检区域</translation>
    </message>
    <message>
        <source>Misclassified</source>
        <translation>分类错误</translation>
    </message>
    <message>
        <source>No results yet: add a model (Ctrl+M) and run it (Ctrl+R).</source>
        <translation>尚无结果：请添加模型（Ctrl+M）并运行（Ctrl+R）。</translation>
    </message>
    <message>
        <source>mean IoU over all classes, background included (PaddleSeg)</source>
        <translation>所有类别的平均 IoU，含背景（与 PaddleSeg 一致）</translation>
    </message>
    <message>
        <source>mean Dice over all classes</source>
        <translation>所有类别的平均 Dice</translation>
    </message>
    <message>
        <source>Pixel acc.</source>
        <translation>像素准确率</translation>
    </message>
    <message>
        <source>correct pixels / predicted pixels (PaddleSeg &apos;Acc&apos;)</source>
        <translation>正确像素 / 预测像素（PaddleSeg 的 Acc）</translation>
    </message>
    <message>
        <source>Cohen&apos;s kappa of the pixel confusion matrix</source>
        <translation>像素混淆矩阵的 Cohen kappa 系数</translation>
    </message>
    <message>
        <source>all-point (area) interpolation, as PaddleDetection</source>
        <translation>全点（面积）插值，与 PaddleDetection 一致</translation>
    </message>
    <message>
        <source>11-point</source>
        <translation>11 点</translation>
    </message>
    <message>
        <source>VOC2007 11-point interpolation</source>
        <translation>VOC2007 11 点插值</translation>
    </message>
    <message>
        <source>mAP@[.5:.95], pycocotools&apos; matching</source>
        <translation>mAP@[.5:.95]，按 pycocotools 匹配</translation>
    </message>
    <message>
        <source>Box recall</source>
        <translation>框召回率</translation>
    </message>
    <message>
        <source>matched ground-truth boxes at this threshold</source>
        <translation>当前阈值下被匹配的真值框</translation>
    </message>
    <message>
        <source>Top-1 acc.</source>
        <translation>Top-1 准确率</translation>
    </message>
    <message>
        <source>share of images whose top class is right</source>
        <translation>最高分类别正确的图像占比</translation>
    </message>
    <message>
        <source>Top-{k} acc.</source>
        <translation>Top-{k} 准确率</translation>
    </message>
    <message>
        <source>ground-truth class among the {k} best</source>
        <translation>真值类别在得分前 {k} 名之内</translation>
    </message>
    <message>
        <source>Macro precision</source>
        <translation>宏平均精确率</translation>
    </message>
    <message>
        <source>mean over classes with predictions</source>
        <translation>对有预测的类别取平均</translation>
    </message>
    <message>
        <source>Macro recall</source>
        <translation>宏平均召回率</translation>
    </message>
    <message>
        <source>mean over classes with images</source>
        <translation>对有图像的类别取平均</translation>
    </message>
    <message>
        <source>IoU per class</source>
        <translation>各类别 IoU</translation>
    </message>
    <message>
        <source>AP@0.5 per class (at this threshold)</source>
        <translation>各类别 AP@0.5（当前阈值）</translation>
    </message>
    <message>
        <source>Recall per class</source>
        <translation>各类别召回率</translation>
    </message>
    <message>
        <source>Boxes (IoU ≥ 0.5): ground truth ↓ vs predicted →</source>
        <translation>检测框（IoU ≥ 0.5）：真值 ↓ 对 预测 →</translation>
    </message>
    <message>
        <source>Pixels: ground truth ↓ vs predicted →</source>
        <translation>像素：真值 ↓ 对 预测 →</translation>
    </message>
    <message>
        <source>Images: ground truth ↓ vs predicted →</source>
        <translation>图像：真值 ↓ 对 预测 →</translation>
    </message>
    <message>
        <source>No ground truth for this folder. Metrics need labels next to the images: PaddleSeg lists or images/ + labels/ folders, VOC XML, COCO json, PaddleClas lists or class folders (File ▸ Ground truth… to point at one).</source>
        <extracomment>(shown with ``translate(&quot;Metrics&quot;, ...)``)</extracomment>
        <translation>此文件夹没有真值。指标需要图像旁的标注：PaddleSeg 列表或 images/ + labels/ 文件夹、VOC XML、COCO json、PaddleClas 列表或按类别分的文件夹（用“文件 ▸ 真值…”指定）。</translation>
    </message>
    <message>
        <source>Open an image folder that has ground truth to see metrics (Ctrl+O).</source>
        <translation>打开带真值的图像文件夹以查看指标（Ctrl+O）。</translation>
    </message>
    <message>
        <source>Reading the folder…</source>
        <translation>正在读取文件夹…</translation>
    </message>
    <message>
        <source>Metrics could not be computed: {error}</source>
        <translation>无法计算指标：{error}</translation>
    </message>
    <message>
        <source>None of the {n} inspected images has ground truth.</source>
        <extracomment>CJK families tried after the interface font, in order (the first is in scripts/system-deps.sh) demo dataset per task, in order of preference for ``--demo`` alone: boxes on NEU-like steel say most at a glance, then masks, then labels Image-list filters from error analysis, per task: (label, key). (the labels are marked for translation; :func:`filters_for` translates them)</extracomment>
        <translation>{n} 张已检测图像均没有真值。</translation>
    </message>
    <message>
        <source>Evaluating {n} images…</source>
        <translation>正在评估 {n} 张图像…</translation>
    </message>
</context>
<context>
    <name>Notes</name>
    <message>
        <source>no clean images: any T_high keeps false rejects at 0</source>
        <translation>没有合格图像：任何 T_high 的误判 NG 数都为 0</translation>
    </message>
    <message>
        <source>no defective images: any T_low keeps escapes at 0</source>
        <translation>没有缺陷图像：任何 T_low 的漏检数都为 0</translation>
    </message>
    <message>
        <source>no T_high keeps false rejects &lt;= {n}: {m} clean images score 1.00</source>
        <translation>没有 T_high 能使误判 NG ≤ {n}：{m} 张合格图像的得分为 1.00</translation>
    </message>
    <message>
        <source>no T_low keeps escapes &lt;= {n}: {m} defective images score below 0.00 (no defect the other rules keep)</source>
        <translation>没有 T_low 能使漏检 ≤ {n}：{m} 张缺陷图像得分低于 0.00（其他规则未保留任何缺陷）</translation>
    </message>
    <message>
        <source>the limits cross: T_low up to {low} keeps escapes &lt;= {n}, T_high from {high} keeps false rejects &lt;= {m}; T_low = T_high, no review band</source>
        <translation>两个限制交叉：T_low 不超过 {low} 时漏检 ≤ {n}，T_high 不低于 {high} 时误判 NG ≤ {m}；取 T_low = T_high，不设复判区间</translation>
    </message>
    <message>
        <source>{n} inspected image(s) without ground truth left out</source>
        <translation>{n} 张已检测图像没有真值，未计入</translation>
    </message>
    <message>
        <source>{n} image(s) with unreadable ground truth left out (listed with the ground-truth problems)</source>
        <translation>{n} 张图像的真值无法读取，未计入（列在真值问题中）</translation>
    </message>
    <message>
        <source>{n} label map(s) of another size than the image left out</source>
        <translation>{n} 张标注图与图像尺寸不同，未计入</translation>
    </message>
    <message>
        <source>model classes matched to ground-truth classes by name (different order)</source>
        <translation>模型类别按名称与真值类别对应（顺序不同）</translation>
    </message>
    <message>
        <source>model class names {a} differ from the ground truth&apos;s {b}; matched by index</source>
        <translation>模型类别名 {a} 与真值的 {b} 不同；按序号对应</translation>
    </message>
    <message>
        <source>model export has no class names; matched by index</source>
        <translation>模型导出文件没有类别名；按序号对应</translation>
    </message>
    <message>
        <source>no defect-free images: false-positive rate undefined (NaN)</source>
        <translation>没有无缺陷图像：误报率无定义（NaN）</translation>
    </message>
    <message>
        <source>no defective images: recall undefined (NaN)</source>
        <translation>没有缺陷图像：召回率无定义（NaN）</translation>
    </message>
    <message>
        <source>no image has any prediction</source>
        <translation>没有任何图像有预测结果</translation>
    </message>
</context>
<context>
    <name>PlotItem</name>
    <message>
        <source>Plot Options</source>
        <translation>图表选项</translation>
    </message>
</context>
<context>
    <name>Rules</name>
    <message>
        <source>{name}: score {s} &gt;= T_high {t} (NG)</source>
        <extracomment>(context, source) of the texts ``inspectors`` writes, with ``{field}`` for the variable parts; each becomes a regular expression that carries the fields into the translation</extracomment>
        <translation>{name}：置信度 {s} ≥ T_high {t}（NG）</translation>
    </message>
    <message>
        <source>{name}: {n} defects &gt;= {t} (NG)</source>
        <translation>{name}：{n} 个缺陷 ≥ {t}（NG）</translation>
    </message>
    <message>
        <source>{name}: total area {a} px &gt;= {t} (NG)</source>
        <translation>{name}：总面积 {a} px ≥ {t}（NG）</translation>
    </message>
    <message>
        <source>{name}: total area {a} mm² &gt;= {t} (NG)</source>
        <translation>{name}：总面积 {a} mm² ≥ {t}（NG）</translation>
    </message>
    <message>
        <source>{name}: score {s} in [{low}, {high}) (REVIEW)</source>
        <translation>{name}：置信度 {s} 在 [{low}, {high}) 内（复判）</translation>
    </message>
    <message>
        <source>outside the regions of interest</source>
        <translation>在检测区域之外</translation>
    </message>
    <message>
        <source>area {v} px &lt; {t}</source>
        <translation>面积 {v} px &lt; {t}</translation>
    </message>
    <message>
        <source>area {v} mm² &lt; {t}</source>
        <translation>面积 {v} mm² &lt; {t}</translation>
    </message>
    <message>
        <source>length {v} px &lt; {t}</source>
        <translation>长度 {v} px &lt; {t}</translation>
    </message>
    <message>
        <source>length {v} mm &lt; {t}</source>
        <translation>长度 {v} mm &lt; {t}</translation>
    </message>
    <message>
        <source>score {s} &lt; T_low {t}</source>
        <translation>置信度 {s} &lt; T_low {t}</translation>
    </message>
</context>
<context>
    <name>RunReading</name>
    <message>
        <source>Read-only: {error}. Results of this model are not saved here.</source>
        <translation>只读：{error}。此模型的结果不会保存在这里。</translation>
    </message>
    <message>
        <source>Results are not saved: {error}</source>
        <translation>结果未保存：{error}</translation>
    </message>
</context>
<context>
    <name>RunStatus</name>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>Open a folder to start</source>
        <translation>打开文件夹以开始</translation>
    </message>
    <message>
        <source>Read-only run: another process writes it</source>
        <translation>只读运行记录：另一个进程正在写入</translation>
    </message>
    <message>
        <source>Results not saved</source>
        <translation>结果未保存</translation>
    </message>
    <message>
        <source>{n} changed since inspected</source>
        <translation>{n} 张检测后已改动</translation>
    </message>
    <message>
        <source>{confirmed} confirmed · {rejected} rejected</source>
        <translation>{confirmed} 已确认 · {rejected} 已驳回</translation>
    </message>
    <message>
        <source>{n} images · {ng} NG · {review} to review · {ok} OK · {errors} errors · {todo} not inspected</source>
        <translation>{n} 张图像 · {ng} NG · {review} 待复判 · {ok} OK · {errors} 错误 · {todo} 未检测</translation>
    </message>
</context>
<context>
    <name>RunsDialog</name>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Updated</source>
        <translation>更新时间</translation>
    </message>
    <message>
        <source>Images done</source>
        <translation>已完成图像</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Problem</source>
        <translation>问题</translation>
    </message>
    <message>
        <source>Runs</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>Delete run</source>
        <translation>删除记录</translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation>刷新</translation>
    </message>
    <message>
        <source>Close</source>
        <translation>关闭</translation>
    </message>
    <message>
        <source>Runs kept in {folder}</source>
        <translation>运行记录保存在 {folder}</translation>
    </message>
    <message>
        <source>The runs cannot be listed: {error}</source>
        <translation>无法列出运行记录：{error}</translation>
    </message>
    <message>
        <source>{model} (in use)</source>
        <translation>{model}（使用中）</translation>
    </message>
    <message>
        <source>This run is in use: remove its model or open another folder first.</source>
        <translation>此运行记录正在使用：请先移除其模型或打开其他文件夹。</translation>
    </message>
    <message>
        <source>The run cannot be deleted: {error}</source>
        <translation>无法删除运行记录：{error}</translation>
    </message>
    <message>
        <source>Deleted run {run}.</source>
        <translation>已删除运行记录 {run}。</translation>
    </message>
    <message>
        <source>Run {run}
Model: {model}
Folder: {folder}</source>
        <translation>运行记录 {run}
模型：{model}
文件夹：{folder}</translation>
    </message>
    <message>
        <source>{done} ({errors} errors)</source>
        <translation>{done}（{errors} 个错误）</translation>
    </message>
</context>
<context>
    <name>ThresholdPanel</name>
    <message>
        <source>band {low:.2f}–{high:.2f} (the slider applies to classes without one)</source>
        <translation>复判区间 {low:.2f}–{high:.2f}（滑块用于未设区间的类别）</translation>
    </message>
    <message>
        <source>min area</source>
        <translation>最小面积</translation>
    </message>
    <message>
        <source>min length</source>
        <translation>最小长度</translation>
    </message>
    <message>
        <source>regions: {include} include, {exclude} exclude ({mode})</source>
        <translation>区域：{include} 个包含、{exclude} 个排除（{mode}）</translation>
    </message>
    <message>
        <source>centre inside</source>
        <translation>中心在内</translation>
    </message>
    <message>
        <source>any overlap</source>
        <translation>有重叠即算</translation>
    </message>
    <message>
        <source>Rules: {parts}</source>
        <translation>判定规则：{parts}</translation>
    </message>
    <message>
        <source>Review from</source>
        <translation>复判起点</translation>
    </message>
    <message>
        <source>A review band: defects scoring from here up to the NG threshold make the
image REVIEW (sent to a person) instead of OK. Off: one threshold.</source>
        <translation>复判区间：置信度从这里到 NG 阈值之间的缺陷使图像判为“复判”
（交给人工），而不是 OK。关闭：只用一个阈值。</translation>
    </message>
    <message>
        <source>Contours</source>
        <translation>轮廓</translation>
    </message>
    <message>
        <source>Labels</source>
        <translation>标签</translation>
    </message>
    <message>
        <source>Class (shown)</source>
        <translation>类别（显示）</translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation>阈值</translation>
    </message>
    <message>
        <source>Classes appear when a model or ground truth is loaded.</source>
        <translation>加载模型或真值后显示类别。</translation>
    </message>
    <message>
        <source>NG at</source>
        <translation>NG 阈值</translation>
    </message>
    <message>
        <source>Mask opacity</source>
        <translation>掩膜不透明度</translation>
    </message>
    <message>
        <source>global</source>
        <translation>全局</translation>
    </message>
    <message>
        <source>{n} class rule(s): {names}</source>
        <translation>{n} 条类别规则：{names}</translation>
    </message>
</context>
<context>
    <name>ViewBox</name>
    <message>
        <source>View All</source>
        <translation>显示全部</translation>
    </message>
    <message>
        <source>ViewBox options</source>
        <translation>视图选项</translation>
    </message>
    <message>
        <source>Mouse Mode</source>
        <translation>鼠标模式</translation>
    </message>
</context>
<context>
    <name>Vocabulary</name>
    <message>
        <source>detection</source>
        <translation>检测</translation>
    </message>
    <message>
        <source>segmentation</source>
        <translation>分割</translation>
    </message>
    <message>
        <source>classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>no result</source>
        <translation>无结果</translation>
    </message>
    <message>
        <source>changed since inspected</source>
        <translation>检测后已改动</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>confirmed</source>
        <translation>已确认</translation>
    </message>
    <message>
        <source>rejected</source>
        <translation>已驳回</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待定</translation>
    </message>
    <message>
        <source>REVIEW</source>
        <translation>复判</translation>
    </message>
    <message>
        <source>idle</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>paused</source>
        <translation>已暂停</translation>
    </message>
    <message>
        <source>loading</source>
        <translation>加载中</translation>
    </message>
    <message>
        <source>ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>ground truth</source>
        <translation>真值</translation>
    </message>
    <message>
        <source>rules</source>
        <translation>判定规则</translation>
    </message>
    <message>
        <source>run</source>
        <translation>运行记录</translation>
    </message>
    <message>
        <source>export</source>
        <translation>导出</translation>
    </message>
    <message>
        <source>folder</source>
        <translation>文件夹</translation>
    </message>
    <message>
        <source>review</source>
        <translation>复判</translation>
    </message>
</context>
<context>
    <name>Workers</name>
    <message>
        <source>the model stopped: {error}</source>
        <translation>模型已停止：{error}</translation>
    </message>
</context>
</TS>
