<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>CompareView</name>
    <message>
        <source>Swap A and B</source>
        <extracomment>what the About box reports: (shown name, distribution names separated by |) demo dataset per task, in order of preference for ``--demo`` alone: boxes on NEU-like steel say most at a glance, then masks, then labels worst first: the order a QA engineer reads the list in when sorting by state</extracomment>
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
        <extracomment>key -&gt; how the list sorts; &quot;folder&quot; (the folder&apos;s order) needs no work Image-list filters from error analysis, per task: (label, key). a few image paths ``auto`` measures on (the open folder&apos;s); generated images without per theme: palette roles and the few colours the style sheet and the charts use a queued decode is skipped once this many newer tiles were asked for (the grid scrolled on)</extracomment>
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
</TS>
