<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>Actions</name>
    <message>
        <source>Overlay</source>
        <extracomment>the view modes&apos; names (marked here, translated where shown)</extracomment>
        <translation>叠加</translation>
    </message>
    <message>
        <source>Side by side</source>
        <translation>并排</translation>
    </message>
    <message>
        <source>Diff</source>
        <translation>差异</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>{tip} ({keys})</source>
        <translation>{tip}（{keys}）</translation>
    </message>
    <message>
        <source>Open folder…</source>
        <translation>打开文件夹…</translation>
    </message>
    <message>
        <source>Load rules…</source>
        <translation>加载判定规则…</translation>
    </message>
    <message>
        <source>Decision rules from a YAML file: review band, minimum sizes, regions, counts</source>
        <translation>从 YAML 文件加载判定规则：复判区间、最小尺寸、检测区域、数量</translation>
    </message>
    <message>
        <source>Save rules as…</source>
        <translation>判定规则另存为…</translation>
    </message>
    <message>
        <source>Write the active model&apos;s rules to a YAML file</source>
        <translation>把当前模型的判定规则写入 YAML 文件</translation>
    </message>
    <message>
        <source>Clear rules</source>
        <translation>清除判定规则</translation>
    </message>
    <message>
        <source>Back to the threshold alone</source>
        <translation>恢复为只用阈值判定</translation>
    </message>
    <message>
        <source>Draw include region</source>
        <translation>绘制包含区域</translation>
    </message>
    <message>
        <source>Click the corners of an area where defects count; Enter closes it, Esc cancels</source>
        <translation>依次点击计入缺陷区域的各个角点；Enter 闭合，Esc 取消</translation>
    </message>
    <message>
        <source>Draw exclude region</source>
        <translation>绘制排除区域</translation>
    </message>
    <message>
        <source>Click the corners of an area where defects are ignored; Enter closes it, Esc cancels</source>
        <translation>依次点击忽略缺陷区域的各个角点；Enter 闭合，Esc 取消</translation>
    </message>
    <message>
        <source>Clear regions</source>
        <translation>清除区域</translation>
    </message>
    <message>
        <source>Ground truth…</source>
        <translation>真值…</translation>
    </message>
    <message>
        <source>Point at a ground-truth file or folder</source>
        <translation>指定真值文件或文件夹</translation>
    </message>
    <message>
        <source>Add model…</source>
        <translation>添加模型…</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Inspect every image not inspected yet</source>
        <translation>检测所有尚未检测的图像</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>Stop the run</source>
        <translation>停止运行</translation>
    </message>
    <message>
        <source>Export…</source>
        <translation>导出…</translation>
    </message>
    <message>
        <source>Export flagged images with a report</source>
        <translation>导出已标记图像及报告</translation>
    </message>
    <message>
        <source>Runs…</source>
        <translation>运行记录…</translation>
    </message>
    <message>
        <source>The folder&apos;s saved inspection runs (delete one)</source>
        <translation>此文件夹已保存的检测运行记录（可删除）</translation>
    </message>
    <message>
        <source>Next image</source>
        <translation>下一张</translation>
    </message>
    <message>
        <source>Previous image</source>
        <translation>上一张</translation>
    </message>
    <message>
        <source>Next flagged</source>
        <translation>下一张 NG</translation>
    </message>
    <message>
        <source>Previous flagged</source>
        <translation>上一张 NG</translation>
    </message>
    <message>
        <source>Next to review</source>
        <translation>下一张待复判</translation>
    </message>
    <message>
        <source>The review queue: the next image the rules sent to a person (REVIEW)</source>
        <translation>复判队列：判定规则交给人工复判的下一张图像</translation>
    </message>
    <message>
        <source>Previous to review</source>
        <translation>上一张待复判</translation>
    </message>
    <message>
        <source>✔ Confirm</source>
        <translation>✔ 确认缺陷</translation>
    </message>
    <message>
        <source>Confirm the defect</source>
        <translation>确认为真缺陷</translation>
    </message>
    <message>
        <source>✘ Reject</source>
        <translation>✘ 判为误报</translation>
    </message>
    <message>
        <source>Reject: false alarm</source>
        <translation>驳回：误报</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>1:1</source>
        <translation>1:1</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
    <message>
        <source>Guide</source>
        <translation>使用指南</translation>
    </message>
    <message>
        <source>A short guide to the demos and a working pass</source>
        <translation>演示和检查流程的简要指南</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>About Defect Inspector</source>
        <translation>关于缺陷检测工作台</translation>
    </message>
    <message>
        <source>Reset layout</source>
        <translation>重置布局</translation>
    </message>
    <message>
        <source>Panels back to where they start</source>
        <translation>面板恢复到初始位置</translation>
    </message>
    <message>
        <source>Dark theme</source>
        <translation>深色主题</translation>
    </message>
    <message>
        <source>Light theme</source>
        <translation>浅色主题</translation>
    </message>
    <message>
        <source>Show {mode}</source>
        <translation>显示{mode}</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>主工具栏</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>Recent folders</source>
        <translation>最近的文件夹</translation>
    </message>
    <message>
        <source>&amp;Run</source>
        <translation>运行(&amp;R)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Panels</source>
        <translation>面板</translation>
    </message>
    <message>
        <source>R&amp;ules</source>
        <translation>判定规则(&amp;U)</translation>
    </message>
    <message>
        <source>Re&amp;view</source>
        <translation>复判(&amp;V)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>Line mode…</source>
        <translation>产线模式…</translation>
    </message>
    <message>
        <source>Inspect images as the line makes them (folder or camera)</source>
        <translation>产线边生产边检测（文件夹或相机）</translation>
    </message>
</context>
<context>
    <name>CompareView</name>
    <message>
        <source>Swap A and B</source>
        <translation>交换 A 和 B</translation>
    </message>
    <message>
        <source>Model A</source>
        <translation>模型 A</translation>
    </message>
    <message>
        <source>Model B</source>
        <translation>模型 B</translation>
    </message>
    <message>
        <source>Ground truth</source>
        <translation>真值标注</translation>
    </message>
    <message>
        <source>Load two or more models to compare them.</source>
        <extracomment>a few image paths ``auto`` measures on (the open folder&apos;s); generated images without whether anyone shows the scores now (the list filters or sorts by them, the compare view is open): a long run&apos;s results are not compared image by image for nobody per theme: palette roles and the few colours the style sheet and the charts use the application property image views read their background from (views made later follow) a queued decode is skipped once this many newer tiles were asked for (the grid scrolled on)</extracomment>
        <translation>加载两个或更多模型后才能对比。</translation>
    </message>
    <message>
        <source>Ground truth (none for this image)</source>
        <translation>真值标注（此图像没有）</translation>
    </message>
    <message>
        <source>A and B agree on this image</source>
        <translation>A 与 B 对此图像的判定一致</translation>
    </message>
    <message>
        <source>A and B disagree on this image (disagreement {score:g}; the list can filter and sort by it)</source>
        <translation>A 与 B 对此图像的判定不一致（分歧度 {score:g}；图像列表可按它筛选和排序）</translation>
    </message>
    <message>
        <source>{side}: no model</source>
        <translation>{side}：无模型</translation>
    </message>
    <message>
        <source>error: {message}</source>
        <translation>错误：{message}</translation>
    </message>
    <message>
        <source>not inspected yet</source>
        <translation>尚未检测</translation>
    </message>
    <message>
        <source>threshold {value:.2f}</source>
        <translation>阈值 {value:.2f}</translation>
    </message>
    <message>
        <source>max score {value:.2f}</source>
        <translation>最高分 {value:.2f}</translation>
    </message>
    <message>
        <source>Compare models (A | B)…</source>
        <translation>对比模型（A | B）…</translation>
    </message>
    <message>
        <source>Model A and model B side by side on the current image, each with its own rules</source>
        <translation>在当前图像上并排显示模型 A 和模型 B，各按自己的判定规则</translation>
    </message>
    <message>
        <source>Compare models</source>
        <translation>对比模型</translation>
    </message>
</context>
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
    <name>Errors</name>
    <message>
        <source>image file not found: {path}</source>
        <translation>找不到图像文件：{path}</translation>
    </message>
    <message>
        <source>not an image file but a folder: {path}</source>
        <translation>这是文件夹，不是图像文件：{path}</translation>
    </message>
    <message>
        <source>image file is empty (0 bytes): {path}</source>
        <translation>图像文件为空（0 字节）：{path}</translation>
    </message>
    <message>
        <source>JPEG file is truncated (no end-of-image marker): {path}</source>
        <translation>JPEG 文件不完整（缺少图像结束标记）：{path}</translation>
    </message>
    <message>
        <source>cannot decode image {path}: {why}</source>
        <translation>无法解码图像 {path}：{why}</translation>
    </message>
    <message>
        <source>cannot read image file {path}: {why}</source>
        <translation>无法读取图像文件 {path}：{why}</translation>
    </message>
    <message>
        <source>image {path} is {w}x{h} ({mp} megapixels), above the limit of {limit} megapixels (setting max_pixels)</source>
        <translation>图像 {path} 为 {w}x{h}（{mp} 百万像素），超过 {limit} 百万像素的上限（设置项 max_pixels）</translation>
    </message>
    <message>
        <source>cannot decode image {path} (corrupt or truncated, {n} bytes)</source>
        <translation>无法解码图像 {path}（文件损坏或不完整，{n} 字节）</translation>
    </message>
    <message>
        <source>cannot decode image {path} (unsupported format, {n} bytes)</source>
        <translation>无法解码图像 {path}（不支持的格式，{n} 字节）</translation>
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
    <name>FpsPlot</name>
    <message>
        <source>read</source>
        <translation>读取</translation>
    </message>
    <message>
        <source>preprocess</source>
        <translation>预处理</translation>
    </message>
    <message>
        <source>inference</source>
        <translation>推理</translation>
    </message>
    <message>
        <source>postprocess</source>
        <translation>后处理</translation>
    </message>
    <message>
        <source>images/s</source>
        <translation>张/秒</translation>
    </message>
    <message>
        <source>ms / image</source>
        <translation>毫秒/张</translation>
    </message>
    <message>
        <source>Idle: start a run (Ctrl+R) to see the speed.</source>
        <translation>空闲：开始运行（Ctrl+R）后显示速度。</translation>
    </message>
    <message>
        <source>{fps:.1f} images/s   ({parts})   {n} inspected this run</source>
        <translation>{fps:.1f} 张/秒   （{parts}）   本次已检测 {n} 张</translation>
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
    <name>Help</name>
    <message>
        <source>PaddleSeg exports (deploy.yaml + model.pdmodel / model.pdiparams): semantic segmentation</source>
        <extracomment>what the About box reports: (shown name, distribution names separated by |)</extracomment>
        <translation>PaddleSeg 导出（deploy.yaml + model.pdmodel / model.pdiparams）：语义分割</translation>
    </message>
    <message>
        <source>PaddleDetection exports (infer_cfg.yml + model.pdmodel / model.pdiparams): boxes</source>
        <translation>PaddleDetection 导出（infer_cfg.yml + model.pdmodel / model.pdiparams）：检测框</translation>
    </message>
    <message>
        <source>PaddleClas exports (inference.yml or the older layout + inference.pdmodel): classification</source>
        <translation>PaddleClas 导出（inference.yml 或旧版布局 + inference.pdmodel）：分类</translation>
    </message>
    <message>
        <source>PaddleX exports of the same three tasks</source>
        <translation>PaddleX 导出的上述三种任务</translation>
    </message>
    <message>
        <source>Engines: Paddle Inference, OpenVINO (reads the Paddle program), ONNX Runtime (via paddle2onnx)</source>
        <translation>推理引擎：Paddle Inference、OpenVINO（直接读取 Paddle 模型）、ONNX Runtime（经 paddle2onnx）</translation>
    </message>
    <message>
        <source>
&lt;h3&gt;Three demos, one per model task&lt;/h3&gt;
&lt;p&gt;Run &lt;code&gt;python main.py --demo det&lt;/code&gt;, &lt;code&gt;--demo seg&lt;/code&gt; or &lt;code&gt;--demo cls&lt;/code&gt;
(&lt;code&gt;--demo&lt;/code&gt; alone is the detection one). Each opens synthetic images with exact ground truth
and the bundled model of that task; press &lt;b&gt;Ctrl+R&lt;/b&gt; to inspect every image.&lt;/p&gt;
&lt;ul&gt;
&lt;li&gt;&lt;b&gt;det&lt;/b&gt; — steel surfaces, PicoDet boxes per defect class (NEU-DET classes). Overlay mode draws
the boxes; the threshold slider moves every decision at once.&lt;/li&gt;
&lt;li&gt;&lt;b&gt;seg&lt;/b&gt; — magnetic tiles, a Fast-SCNN mask per pixel. Defects are the connected regions of
the mask; decision rules can ignore small ones (Rules menu).&lt;/li&gt;
&lt;li&gt;&lt;b&gt;cls&lt;/b&gt; — one label per steel image (NEU-CLS). The banner shows the top classes.&lt;/li&gt;
&lt;/ul&gt;
&lt;h3&gt;A working pass&lt;/h3&gt;
&lt;ol&gt;
&lt;li&gt;Open a folder (Ctrl+O or drop it on the window), add a model (Ctrl+M), run (Ctrl+R).&lt;/li&gt;
&lt;li&gt;Walk the flagged images with &lt;b&gt;N&lt;/b&gt; / &lt;b&gt;Shift+N&lt;/b&gt;, the review queue with &lt;b&gt;R&lt;/b&gt;;
confirm with &lt;b&gt;C&lt;/b&gt;, reject a false alarm with &lt;b&gt;X&lt;/b&gt;.&lt;/li&gt;
&lt;li&gt;With ground truth (File ▸ Ground truth…) the Metrics tab shows recall and false alarms per
threshold; its filters list the misses in the image list.&lt;/li&gt;
&lt;li&gt;Export the flagged images with a report (Ctrl+E). Source images are never modified.&lt;/li&gt;
&lt;/ol&gt;
&lt;p&gt;The image list searches file names (text or a glob such as &lt;code&gt;*_12?.png&lt;/code&gt;) and sorts by
name, score, state or defect area.&lt;/p&gt;
</source>
        <translation>
&lt;h3&gt;三个演示，每种模型任务一个&lt;/h3&gt;
&lt;p&gt;运行 &lt;code&gt;python main.py --demo det&lt;/code&gt;、&lt;code&gt;--demo seg&lt;/code&gt; 或 &lt;code&gt;--demo cls&lt;/code&gt;
（只写 &lt;code&gt;--demo&lt;/code&gt; 即检测演示）。每个演示打开带精确真值的合成图像和该任务的内置模型；
按 &lt;b&gt;Ctrl+R&lt;/b&gt; 检测全部图像。&lt;/p&gt;
&lt;ul&gt;
&lt;li&gt;&lt;b&gt;det&lt;/b&gt; — 钢板表面，PicoDet 按缺陷类别画框（NEU-DET 类别）。叠加模式显示检测框；
拖动阈值滑块，所有判定同时更新。&lt;/li&gt;
&lt;li&gt;&lt;b&gt;seg&lt;/b&gt; — 磁瓦，Fast-SCNN 逐像素掩膜。缺陷是掩膜的连通区域；判定规则可以忽略小缺陷（“判定规则”菜单）。&lt;/li&gt;
&lt;li&gt;&lt;b&gt;cls&lt;/b&gt; — 每张钢板图像一个类别（NEU-CLS）。图上横幅显示得分最高的类别。&lt;/li&gt;
&lt;/ul&gt;
&lt;h3&gt;一次完整的检查流程&lt;/h3&gt;
&lt;ol&gt;
&lt;li&gt;打开文件夹（Ctrl+O 或拖到窗口上），添加模型（Ctrl+M），运行（Ctrl+R）。&lt;/li&gt;
&lt;li&gt;用 &lt;b&gt;N&lt;/b&gt; / &lt;b&gt;Shift+N&lt;/b&gt; 逐张查看 NG 图像，用 &lt;b&gt;R&lt;/b&gt; 查看复判队列；
按 &lt;b&gt;C&lt;/b&gt; 确认缺陷，按 &lt;b&gt;X&lt;/b&gt; 判为误报。&lt;/li&gt;
&lt;li&gt;有真值时（文件 ▸ 真值…），“指标”页显示各阈值下的召回率和误报率；其筛选项可在图像列表中列出漏检。&lt;/li&gt;
&lt;li&gt;导出 NG 图像及报告（Ctrl+E）。原图永远不会被修改。&lt;/li&gt;
&lt;/ol&gt;
&lt;p&gt;图像列表可按文件名搜索（文本或通配符，如 &lt;code&gt;*_12?.png&lt;/code&gt;），并可按名称、置信度、状态或缺陷面积排序。&lt;/p&gt;
</translation>
    </message>
    <message>
        <source>not installed</source>
        <translation>未安装</translation>
    </message>
    <message>
        <source>Defect Inspector</source>
        <translation>缺陷检测工作台</translation>
    </message>
    <message>
        <source>A workbench for industrial surface-defect inspection with exported Paddle models.</source>
        <translation>用导出的 Paddle 模型做工业表面缺陷检测的工作台。</translation>
    </message>
    <message>
        <source>Model formats</source>
        <translation>模型格式</translation>
    </message>
    <message>
        <source>Defect Inspector help</source>
        <translation>缺陷检测工作台帮助</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>操作</translation>
    </message>
    <message>
        <source>Keys</source>
        <translation>按键</translation>
    </message>
    <message>
        <source>Guide</source>
        <translation>使用指南</translation>
    </message>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>快捷键</translation>
    </message>
    <message>
        <source>About</source>
        <translation>关于</translation>
    </message>
</context>
<context>
    <name>ImageList</name>
    <message>
        <source>All</source>
        <extracomment>the list filters&apos; names (marked here, translated where shown)</extracomment>
        <translation>全部</translation>
    </message>
    <message>
        <source>NG</source>
        <translation>NG</translation>
    </message>
    <message>
        <source>REVIEW</source>
        <translation>复判</translation>
    </message>
    <message>
        <source>OK</source>
        <translation>OK</translation>
    </message>
    <message>
        <source>Ground-truth disagreement</source>
        <translation>与真值不一致</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Not inspected</source>
        <translation>未检测</translation>
    </message>
    <message>
        <source>ground truth: defect</source>
        <extracomment>a mark on each state&apos;s dot, so the list reads without colour too columns: name (elided in the middle), score, verdict mark (fixed widths, never &quot;...&quot;)</extracomment>
        <translation>真值：有缺陷</translation>
    </message>
    <message>
        <source>ground truth: clean</source>
        <translation>真值：无缺陷</translation>
    </message>
    <message>
        <source>verdict: confirmed</source>
        <translation>复判：已确认</translation>
    </message>
    <message>
        <source>verdict: rejected</source>
        <translation>复判：已驳回</translation>
    </message>
    <message>
        <source>Grid</source>
        <translation>缩略图</translation>
    </message>
    <message>
        <source>Thumbnails with their state badge instead of the list</source>
        <translation>以带状态标记的缩略图代替列表</translation>
    </message>
    <message>
        <source>Sort the list</source>
        <translation>列表排序</translation>
    </message>
    <message>
        <source>Search names: text or glob (*_12?.png)</source>
        <translation>搜索文件名：文本或通配符（*_12?.png）</translation>
    </message>
    <message>
        <source>A part of the file name, or a glob with * ? [ ] (case-insensitive)</source>
        <translation>文件名的一部分，或含 * ? [ ] 的通配符（不区分大小写）</translation>
    </message>
    <message>
        <source>Models disagree</source>
        <translation>模型判定不一致</translation>
    </message>
</context>
<context>
    <name>InfoPanel</name>
    <message>
        <source>class</source>
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
    <name>LegendStrip</name>
    <message>
        <source>dashed with ?: REVIEW</source>
        <translation>虚线加 ?：复判</translation>
    </message>
    <message>
        <source>faint: ignored by a rule</source>
        <translation>淡色：被规则忽略</translation>
    </message>
</context>
<context>
    <name>LineView</name>
    <message>
        <source>Line mode</source>
        <translation>产线模式</translation>
    </message>
    <message>
        <source>Watched folder</source>
        <translation>监视文件夹</translation>
    </message>
    <message>
        <source>Camera or video</source>
        <translation>相机或视频</translation>
    </message>
    <message>
        <source>Folder the line writes images into</source>
        <translation>产线写入图像的文件夹</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>NG and REVIEW only</source>
        <translation>仅 NG 和复判</translation>
    </message>
    <message>
        <source>All images</source>
        <translation>全部图像</translation>
    </message>
    <message>
        <source>Which camera frames are saved with the run (a folder&apos;s images stay where they are)</source>
        <translation>哪些相机画面随运行记录保存（文件夹中的图像保留在原处）</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Pause</source>
        <translation>暂停</translation>
    </message>
    <message>
        <source>Stop</source>
        <translation>停止</translation>
    </message>
    <message>
        <source>Model</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>图像来源</translation>
    </message>
    <message>
        <source>Keep</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>No frame yet</source>
        <translation>尚无画面</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>已判定</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Already decided</source>
        <translation>已判定过（跳过）</translation>
    </message>
    <message>
        <source>Images / s</source>
        <translation>张/秒</translation>
    </message>
    <message>
        <source>Latency p50</source>
        <translation>延迟 p50</translation>
    </message>
    <message>
        <source>Latency p99</source>
        <translation>延迟 p99</translation>
    </message>
    <message>
        <source>Dropped</source>
        <translation>已丢弃</translation>
    </message>
    <message>
        <source>Counters</source>
        <translation>计数</translation>
    </message>
    <message>
        <source>Last NG images</source>
        <translation>最近的 NG 图像</translation>
    </message>
    <message>
        <source>Choose a source and press Start.</source>
        <translation>选择图像来源后按“开始”。</translation>
    </message>
    <message>
        <source>Camera index (0), stream URL or video file</source>
        <translation>相机编号（0）、视频流地址或视频文件</translation>
    </message>
    <message>
        <source>Folder to watch</source>
        <translation>要监视的文件夹</translation>
    </message>
    <message>
        <source>Video file</source>
        <translation>视频文件</translation>
    </message>
    <message>
        <source>Choose a model and a source first.</source>
        <translation>请先选择模型和图像来源。</translation>
    </message>
    <message>
        <source>The folder {source} does not exist.</source>
        <translation>文件夹 {source} 不存在。</translation>
    </message>
    <message>
        <source>Running: {note}</source>
        <translation>运行中：{note}</translation>
    </message>
    <message>
        <source>Stopped: {error}</source>
        <translation>已停止：{error}</translation>
    </message>
    <message>
        <source>Loading the model…</source>
        <translation>正在加载模型…</translation>
    </message>
    <message>
        <source>Resume</source>
        <translation>继续</translation>
    </message>
    <message>
        <source>Paused: images wait under the backpressure policy.</source>
        <translation>已暂停：图像按背压策略等待。</translation>
    </message>
    <message>
        <source>Running.</source>
        <translation>运行中。</translation>
    </message>
    <message>
        <source>Stopping after the current image…</source>
        <translation>当前图像处理完后停止…</translation>
    </message>
    <message>
        <source>Stopped.</source>
        <translation>已停止。</translation>
    </message>
</context>
<context>
    <name>ListOrder</name>
    <message>
        <source>Folder order</source>
        <extracomment>``translate(&quot;Context&quot;, &quot;text&quot;)``: pyside6-lupdate extracts calls by this name with literal arguments (a ``functools.partial`` with the context bound is *not* extracted) CJK families tried after the interface font, in order (the first is in scripts/system-deps.sh) demo dataset per task, in order of preference for ``--demo`` alone: boxes on NEU-like steel say most at a glance, then masks, then labels worst first: the order a QA engineer reads the list in when sorting by state key -&gt; how the list sorts; &quot;folder&quot; (the folder&apos;s order) needs no work</extracomment>
        <translation>文件夹顺序</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Score (highest first)</source>
        <translation>置信度（高的在前）</translation>
    </message>
    <message>
        <source>State (worst first)</source>
        <translation>状态（严重的在前）</translation>
    </message>
    <message>
        <source>Defect area (largest first)</source>
        <translation>缺陷面积（大的在前）</translation>
    </message>
    <message>
        <source>Models disagree (most first)</source>
        <translation>模型分歧（最大在前）</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Defect Inspector</source>
        <translation>缺陷检测工作台</translation>
    </message>
    <message>
        <source>Images</source>
        <translation>图像</translation>
    </message>
    <message>
        <source>Models</source>
        <translation>模型</translation>
    </message>
    <message>
        <source>Threshold and classes</source>
        <translation>阈值与类别</translation>
    </message>
    <message>
        <source>Current image</source>
        <translation>当前图像</translation>
    </message>
    <message>
        <source>Live speed</source>
        <translation>实时速度</translation>
    </message>
    <message>
        <source>Errors</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation>指标</translation>
    </message>
    <message>
        <source>Open image folder</source>
        <translation>打开图像文件夹</translation>
    </message>
    <message>
        <source>Ground truth file (list, csv, json)</source>
        <translation>真值文件（列表、csv、json）</translation>
    </message>
    <message>
        <source>Exported model folder</source>
        <translation>导出的模型文件夹</translation>
    </message>
    <message>
        <source>Defect Inspector — {folder}</source>
        <translation>缺陷检测工作台 — {folder}</translation>
    </message>
    <message>
        <source>Add a model first (Ctrl+M).</source>
        <translation>请先添加模型（Ctrl+M）。</translation>
    </message>
    <message>
        <source>Every image already has a result.</source>
        <translation>所有图像都已有结果。</translation>
    </message>
    <message>
        <source>Decision rules</source>
        <translation>判定规则</translation>
    </message>
    <message>
        <source>Rules (*.yaml *.yml);;All files (*)</source>
        <translation>判定规则 (*.yaml *.yml);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Save decision rules</source>
        <translation>保存判定规则</translation>
    </message>
    <message>
        <source>Rules (*.yaml *.yml)</source>
        <translation>判定规则 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>cannot write the rules: {error}</source>
        <translation>无法写入判定规则：{error}</translation>
    </message>
    <message>
        <source>Open an image first: regions are drawn on it.</source>
        <translation>请先打开一张图像：区域要画在图像上。</translation>
    </message>
    <message>
        <source>Drawing an include region: click its corners, Enter closes it, Backspace removes the last point, Esc cancels.</source>
        <translation>正在绘制包含区域：依次点击角点，Enter 闭合，Backspace 删除上一个点，Esc 取消。</translation>
    </message>
    <message>
        <source>Drawing an exclude region: click its corners, Enter closes it, Backspace removes the last point, Esc cancels.</source>
        <translation>正在绘制排除区域：依次点击角点，Enter 闭合，Backspace 删除上一个点，Esc 取消。</translation>
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
        <extracomment>Image-list filters from error analysis, per task: (label, key). (the labels are marked for translation; :func:`filters_for` translates them)</extracomment>
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
        <translation>检测框 IoU≥0.5：真值↓ 预测→</translation>
    </message>
    <message>
        <source>Pixels: ground truth ↓ vs predicted →</source>
        <translation>像素：真值↓ 预测→</translation>
    </message>
    <message>
        <source>Images: ground truth ↓ vs predicted →</source>
        <translation>图像：真值↓ 预测→</translation>
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
        <translation>{n} 张已检测图像均没有真值。</translation>
    </message>
    <message>
        <source>Evaluating {n} images…</source>
        <translation>正在评估 {n} 张图像…</translation>
    </message>
</context>
<context>
    <name>MetricsPanel</name>
    <message>
        <source>Segmentation</source>
        <translation>分割</translation>
    </message>
    <message>
        <source>Detection</source>
        <translation>检测</translation>
    </message>
    <message>
        <source>Classification</source>
        <translation>分类</translation>
    </message>
    <message>
        <source>Fewest false alarms</source>
        <translation>误报最少</translation>
    </message>
    <message>
        <source>Highest threshold</source>
        <translation>阈值最高</translation>
    </message>
    <message>
        <source>n/a</source>
        <translation>不适用</translation>
    </message>
    <message>
        <source>Fewest false alarms: the lowest image false-alarm rate among thresholds
reaching the recall; highest threshold: the highest such threshold</source>
        <translation>误报最少：在达到召回率的阈值中取图像误报率最低者；
阈值最高：取其中最高的阈值</translation>
    </message>
    <message>
        <source>recall ≥ </source>
        <translation>召回率 ≥ </translation>
    </message>
    <message>
        <source>Apply</source>
        <translation>应用</translation>
    </message>
    <message>
        <source>Set the confidence slider to the chosen operating point</source>
        <translation>把置信度滑块设到所选工作点</translation>
    </message>
    <message>
        <source>&lt;b&gt;Operating point&lt;/b&gt; (image level)</source>
        <translation>&lt;b&gt;工作点&lt;/b&gt;（图像级）</translation>
    </message>
    <message>
        <source>escapes ≤ </source>
        <translation>漏检 ≤ </translation>
    </message>
    <message>
        <source>Defective images the band may judge OK (sets where REVIEW starts)</source>
        <translation>允许判为 OK 的缺陷图像数（决定复判区间的起点）</translation>
    </message>
    <message>
        <source>false rejects ≤ </source>
        <translation>误判 NG ≤ </translation>
    </message>
    <message>
        <source>Clean images the band may judge NG (sets the NG threshold)</source>
        <translation>允许判为 NG 的合格图像数（决定 NG 阈值）</translation>
    </message>
    <message>
        <source>Apply band</source>
        <translation>应用区间</translation>
    </message>
    <message>
        <source>Set &apos;NG at&apos; and &apos;Review from&apos; to the chosen band</source>
        <translation>把“NG 阈值”和“复判起点”设为所选区间</translation>
    </message>
    <message>
        <source>&lt;b&gt;Review band&lt;/b&gt; (OK / REVIEW / NG)</source>
        <translation>&lt;b&gt;复判区间&lt;/b&gt;（OK / 复判 / NG）</translation>
    </message>
    <message>
        <source>escapes &lt;b&gt;{escapes}&lt;/b&gt; ({escape_rate} of defective) · false rejects &lt;b&gt;{rejects}&lt;/b&gt; ({reject_rate} of clean)</source>
        <translation>漏检 &lt;b&gt;{escapes}&lt;/b&gt;（占缺陷图像 {escape_rate}）· 误判 NG &lt;b&gt;{rejects}&lt;/b&gt;（占合格图像 {reject_rate}）</translation>
    </message>
    <message>
        <source>→ review from &lt;b&gt;{low:.2f}&lt;/b&gt;, NG at &lt;b&gt;{high:.2f}&lt;/b&gt; · {review} to review ({rate}) · escapes {escapes} · false rejects {rejects}</source>
        <translation>→ 复判起点 &lt;b&gt;{low:.2f}&lt;/b&gt;，NG 阈值 &lt;b&gt;{high:.2f}&lt;/b&gt; · {review} 张待复判（{rate}）· 漏检 {escapes} · 误判 NG {rejects}</translation>
    </message>
    <message>
        <source>{pairs}/{rows} images with ground truth</source>
        <translation>{pairs}/{rows} 张图像有真值</translation>
    </message>
    <message>
        <source>ground truth: {source} ({layout})</source>
        <translation>真值：{source}（{layout}）</translation>
    </message>
    <message>
        <source>unknown layout</source>
        <translation>未知格式</translation>
    </message>
    <message>
        <source> (per-class overrides apply)</source>
        <translation>（按类别阈值生效）</translation>
    </message>
    <message>
        <source>Threshold &lt;b&gt;{t:.2f}&lt;/b&gt;{per} · image recall &lt;b&gt;{recall}&lt;/b&gt; ({found}/{defective} defective found) · false alarms &lt;b&gt;{fpr}&lt;/b&gt; ({fp}/{clean} clean flagged)</source>
        <translation>阈值 &lt;b&gt;{t:.2f}&lt;/b&gt;{per} · 图像召回率 &lt;b&gt;{recall}&lt;/b&gt;（检出 {found}/{defective} 张缺陷图像）· 误报率 &lt;b&gt;{fpr}&lt;/b&gt;（{fp}/{clean} 张合格图像被标记）</translation>
    </message>
    <message>
        <source>No threshold reaches recall {r:.2f}.</source>
        <translation>没有阈值能达到召回率 {r:.2f}。</translation>
    </message>
    <message>
        <source>→ threshold &lt;b&gt;{t:.2f}&lt;/b&gt; · recall {recall} · false alarms {fpr}</source>
        <translation>→ 阈值 &lt;b&gt;{t:.2f}&lt;/b&gt; · 召回率 {recall} · 误报率 {fpr}</translation>
    </message>
    <message>
        <source>Robustness...</source>
        <translation>鲁棒性…</translation>
    </message>
    <message>
        <source>Evaluate the model again under blur, noise, lighting and other line drift</source>
        <translation>在模糊、噪声、光照等产线漂移下重新评估模型</translation>
    </message>
</context>
<context>
    <name>ModelPanel</name>
    <message>
        <source>No model loaded. Add an exported PaddleSeg, PaddleDetection, PaddleClas or PaddleX folder.</source>
        <translation>未加载模型。请添加 PaddleSeg、PaddleDetection、PaddleClas 或 PaddleX 导出的模型文件夹。</translation>
    </message>
    <message>
        <source>Add…</source>
        <translation>添加…</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>移除</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Add an exported model folder (Ctrl+M)</source>
        <translation>添加导出的模型文件夹（Ctrl+M）</translation>
    </message>
    <message>
        <source>Reload every model with the settings below</source>
        <translation>用下面的设置重新加载所有模型</translation>
    </message>
    <message>
        <source>auto: measure the installed backends on a few of the folder&apos;s images, keep the fastest whose results agree with Paddle&apos;s (remembered per model)</source>
        <translation>auto：在文件夹的几张图像上测量已安装的推理后端，选结果与 Paddle 一致且最快的（按模型记住）</translation>
    </message>
    <message>
        <source>threads</source>
        <translation>线程</translation>
    </message>
    <message>
        <source>batch</source>
        <translation>批大小</translation>
    </message>
    <message>
        <source>Engine</source>
        <translation>推理引擎</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>设备</translation>
    </message>
    <message>
        <source>Select a model.</source>
        <translation>请选择一个模型。</translation>
    </message>
    <message>
        <source>Could not load {path}:</source>
        <translation>无法加载 {path}：</translation>
    </message>
    <message>
        <source>Loading {path} …</source>
        <translation>正在加载 {path} …</translation>
    </message>
    <message>
        <source>from the network</source>
        <translation>来自网络输出</translation>
    </message>
    <message>
        <source>{format} · {task} · classes: {names}</source>
        <translation>{format} · {task} · 类别：{names}</translation>
    </message>
    <message>
        <source>Results saved in run {run}.</source>
        <translation>结果保存在运行记录 {run} 中。</translation>
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
    <name>PixelReadout</name>
    <message>
        <source>x {x}  y {y}  gray {v}</source>
        <translation>x {x}  y {y}  灰度 {v}</translation>
    </message>
    <message>
        <source>class {name}</source>
        <translation>类别 {name}</translation>
    </message>
    <message>
        <source>class {name}  confidence {c:.2f}</source>
        <translation>类别 {name}  置信度 {c:.2f}</translation>
    </message>
    <message>
        <source>box {name} {s:.2f}</source>
        <translation>检测框 {name} {s:.2f}</translation>
    </message>
    <message>
        <source>{name}  score {s:.2f}</source>
        <translation>{name}  置信度 {s:.2f}</translation>
    </message>
    <message>
        <source>(to review)</source>
        <translation>（待复判）</translation>
    </message>
    <message>
        <source>ignored: {why}</source>
        <translation>忽略：{why}</translation>
    </message>
    <message>
        <source>area {a} px</source>
        <translation>面积 {a} px</translation>
    </message>
    <message>
        <source>size {w} x {h} px</source>
        <translation>尺寸 {w} × {h} px</translation>
    </message>
    <message>
        <source>(length {v} mm)</source>
        <translation>（长度 {v} mm）</translation>
    </message>
    <message>
        <source>(length {v} px)</source>
        <translation>（长度 {v} px）</translation>
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
    <name>RobustnessDialog</name>
    <message>
        <source>Robustness of {model}</source>
        <translation>{model} 的鲁棒性</translation>
    </message>
    <message>
        <source>Evaluates the model again on the {n} images of this folder with each perturbation applied to the decoded image, at several strengths. A perturbation is tolerated up to the strongest setting that keeps the metric at 95 % of its clean value or more.</source>
        <translation>在本文件夹的 {n} 张图像上重新评估模型：对解码后的图像施加每种扰动，并取多个强度。某种扰动的耐受上限为指标仍不低于无扰动值 95 % 的最强设置。</translation>
    </message>
    <message>
        <source>Run</source>
        <translation>运行</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>取消</translation>
    </message>
    <message>
        <source>setting %v of %m</source>
        <translation>设置 %v / %m</translation>
    </message>
    <message>
        <source>Choose the perturbations and press Run.</source>
        <translation>选择扰动后点击“运行”。</translation>
    </message>
    <message>
        <source>Choose at least one perturbation.</source>
        <translation>请至少选择一种扰动。</translation>
    </message>
    <message>
        <source>Loading the model and evaluating the clean images...</source>
        <translation>正在加载模型并评估无扰动图像…</translation>
    </message>
    <message>
        <source>Cancelling after the current image batch...</source>
        <translation>当前批图像完成后取消…</translation>
    </message>
    <message>
        <source>Evaluating setting {i} of {n}...</source>
        <translation>正在评估设置 {i} / {n}…</translation>
    </message>
    <message>
        <source>Cancelled.</source>
        <translation>已取消。</translation>
    </message>
    <message>
        <source>Done: clean {metric} {value}.</source>
        <translation>完成：无扰动 {metric} {value}。</translation>
    </message>
    <message>
        <source>The sweep failed: {error}</source>
        <translation>扰动评估失败：{error}</translation>
    </message>
    <message>
        <source>Open a folder that has ground truth first (Ctrl+O).</source>
        <translation>请先打开带真值的文件夹（Ctrl+O）。</translation>
    </message>
    <message>
        <source>Add a model first (Ctrl+M).</source>
        <translation>请先添加模型（Ctrl+M）。</translation>
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
    <message>
        <source>{done} / {total} · {fps:.1f} images/s · ETA {clock}</source>
        <translation>{done} / {total} · {fps:.1f} 张/秒 · 预计剩余 {clock}</translation>
    </message>
    <message>
        <source>{model}: {counts}</source>
        <translation>{model}：{counts}</translation>
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
    <name>ViewStatus</name>
    <message>
        <source>Zoom: F fits, 1 shows pixels 1:1, the wheel zooms at the cursor</source>
        <translation>缩放：F 适应窗口，1 按像素 1:1 显示，滚轮以光标为中心缩放</translation>
    </message>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Zoom {z} %</source>
        <translation>缩放 {z} %</translation>
    </message>
</context>
<context>
    <name>Viewer</name>
    <message>
        <source>No images yet</source>
        <translation>还没有图像</translation>
    </message>
    <message>
        <source>Open an image folder with &lt;b&gt;Ctrl+O&lt;/b&gt; or drop a folder here,&lt;br&gt;then add an exported model with &lt;b&gt;Ctrl+M&lt;/b&gt; and press &lt;b&gt;Ctrl+R&lt;/b&gt; to inspect.</source>
        <translation>用 &lt;b&gt;Ctrl+O&lt;/b&gt; 打开图像文件夹，或把文件夹拖到这里，&lt;br&gt;然后用 &lt;b&gt;Ctrl+M&lt;/b&gt; 添加导出的模型，按 &lt;b&gt;Ctrl+R&lt;/b&gt; 开始检测。</translation>
    </message>
    <message>
        <source>Ground truth next to the images (Paddle lists, VOC, COCO, Severstal csv,&lt;br&gt;class folders) is found automatically.</source>
        <translation>图像旁的真值（Paddle 列表、VOC、COCO、Severstal csv、&lt;br&gt;按类别分的文件夹）会自动找到。</translation>
    </message>
    <message>
        <source>Ground truth</source>
        <translation>真值</translation>
    </message>
    <message>
        <source>Prediction</source>
        <translation>预测</translation>
    </message>
    <message>
        <source>No images in {folder}</source>
        <translation>{folder} 中没有图像</translation>
    </message>
    <message>
        <source>Supported: BMP, JPEG, PNG, TIFF, WebP …</source>
        <translation>支持：BMP、JPEG、PNG、TIFF、WebP …</translation>
    </message>
    <message>
        <source>Ground truth (none for this image)</source>
        <translation>真值（此图像没有）</translation>
    </message>
    <message>
        <source>Prediction (not inspected yet)</source>
        <translation>预测（尚未检测）</translation>
    </message>
    <message>
        <source>Diff: green hit · red false positive · orange miss</source>
        <translation>差异：绿色 命中 · 红色 误报 · 橙色 漏检</translation>
    </message>
    <message>
        <source>Original</source>
        <translation>原图</translation>
    </message>
    <message>
        <source>Not inspected yet</source>
        <translation>尚未检测</translation>
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
    <name>Workbench</name>
    <message>
        <source>image folder not found: {folder}</source>
        <translation>找不到图像文件夹：{folder}</translation>
    </message>
    <message>
        <source>{error}; the run&apos;s rules are not applied</source>
        <translation>{error}；未应用该运行记录的判定规则</translation>
    </message>
    <message>
        <source>cannot save the rules: {error}</source>
        <translation>无法保存判定规则：{error}</translation>
    </message>
    <message>
        <source>cannot save the decision settings: {error}</source>
        <translation>无法保存判定设置：{error}</translation>
    </message>
    <message>
        <source>cannot save verdict: {error}</source>
        <translation>无法保存复判结果：{error}</translation>
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
