import Foundation

/// Charts drawn by the server as inline SVG: horizontal bars and lines. Each is readable without colour: bars carry
/// their numbers, each line has its own dash pattern and marker and is named in a legend, and every chart has a
/// title for screen readers. Pages put the same numbers in a table next to it.
enum SVGChart {
    /// Horizontal bars, one per item, the value written after each bar.
    static func bars(id: String, title: String, _ items: [(label: String, value: Int)]) -> String {
        let rowHeight = 26.0
        let labelWidth = 170.0
        let barSpace = 300.0
        let width = labelWidth + barSpace + 70
        let height = rowHeight * Double(max(items.count, 1)) + 8
        let largest = Double(max(items.map(\.value).max() ?? 0, 1))
        var svg = open(id: id, title: title, width: width, height: height)
        for (index, item) in items.enumerated() {
            let y = 4 + rowHeight * Double(index)
            let length = item.value == 0 ? 0 : max(2, barSpace * Double(item.value) / largest)
            svg += """
                <text x="\(labelWidth - 8)" y="\(y + 17)" text-anchor="end" class="label">\(HTML.escape(item.label))</text>\
                <rect x="\(labelWidth)" y="\(y + 4)" width="\(format(length))" height="\(rowHeight - 9)" class="bar"/>\
                <text x="\(format(labelWidth + length + 6))" y="\(y + 17)" class="value">\(item.value)</text>
                """
        }
        return svg + "</svg>"
    }

    /// A series of a line chart.
    struct Series {
        var name: String
        var values: [Int]
    }

    /// Lines over labelled points (months), each series with its own dash pattern and marker shape.
    static func lines(id: String, title: String, labels: [String], _ series: [Series]) -> String {
        let width = 640.0
        let height = 260.0
        let left = 44.0
        let right = 12.0
        let top = 28.0
        let bottom = 44.0
        let plotWidth = width - left - right
        let plotHeight = height - top - bottom
        let largest = niceCeiling(series.flatMap(\.values).max() ?? 0)
        let step = labels.count > 1 ? plotWidth / Double(labels.count - 1) : 0
        func x(_ index: Int) -> Double { left + step * Double(index) }
        func y(_ value: Int) -> Double { top + plotHeight - plotHeight * Double(value) / Double(largest) }

        var svg = open(id: id, title: title, width: width, height: height)
        // Gridlines and the value axis: 0, half, top.
        for value in [0, largest / 2, largest] {
            svg += """
                <line x1="\(left)" x2="\(width - right)" y1="\(format(y(value)))" y2="\(format(y(value)))" class="grid"/>\
                <text x="\(left - 6)" y="\(format(y(value) + 4))" text-anchor="end" class="axis">\(value)</text>
                """
        }
        // Month labels: every third counted back from the last, which ends at the plot's right edge.
        for (index, label) in labels.enumerated() where (labels.count - 1 - index) % 3 == 0 {
            let anchor = index == labels.count - 1 ? "end" : "middle"
            svg +=
                "<text x=\"\(format(x(index)))\" y=\"\(height - bottom + 18)\" text-anchor=\"\(anchor)\" class=\"axis\">\(HTML.escape(label))</text>"
        }
        let styles = ["series-a", "series-b", "series-c"]
        for (number, line) in series.enumerated() {
            let style = styles[number % styles.count]
            let points = line.values.enumerated().map { "\(format(x($0.offset))),\(format(y($0.element)))" }.joined(separator: " ")
            svg += "<polyline points=\"\(points)\" class=\"line \(style)\"/>"
            for (index, value) in line.values.enumerated() {
                svg += marker(number, x: x(index), y: y(value), style: style)
            }
            // The legend: marker, dash and name, above the plot.
            let legendX = left + 190 * Double(number)
            svg += """
                <line x1="\(legendX)" x2="\(legendX + 30)" y1="12" y2="12" class="line \(style)"/>\
                \(marker(number, x: legendX + 15, y: 12, style: style))\
                <text x="\(legendX + 36)" y="16" class="label">\(HTML.escape(line.name))</text>
                """
        }
        return svg + "</svg>"
    }

    private static func open(id: String, title: String, width: Double, height: Double) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 \(format(width)) \(format(height))" role="img" \
        aria-labelledby="\(id)-title"><title id="\(id)-title">\(HTML.escape(title))</title>
        """
    }

    /// A circle for the first series, a square for the second, a triangle for the third.
    private static func marker(_ series: Int, x: Double, y: Double, style: String) -> String {
        switch series % 3 {
        case 0: return "<circle cx=\"\(format(x))\" cy=\"\(format(y))\" r=\"3.5\" class=\"marker \(style)\"/>"
        case 1: return "<rect x=\"\(format(x - 3.5))\" y=\"\(format(y - 3.5))\" width=\"7\" height=\"7\" class=\"marker \(style)\"/>"
        default:
            return
                "<polygon points=\"\(format(x)),\(format(y - 4.5)) \(format(x - 4.5)),\(format(y + 3.5)) \(format(x + 4.5)),\(format(y + 3.5))\" class=\"marker \(style)\"/>"
        }
    }

    /// The smallest of 1, 2 or 5 times a power of ten that is at least `value` (and at least 1).
    static func niceCeiling(_ value: Int) -> Int {
        var power = 1
        while true {
            for factor in [1, 2, 5] where factor * power >= value { return max(factor * power, 1) }
            power *= 10
        }
    }

    private static func format(_ value: Double) -> String { String(format: "%.1f", value) }
}
